/**
 * `@supergraph/subgraph-testing`: one subgraph under test on a free port, and the demo callers. A package of
 * its own: it loads the service kit's HTTP stack (and graphql), which `@supergraph/testing` must not (e2e's
 * tracing test installs its instrumentation before anything loads them), and the demo data, which the gateway's
 * tests (and so its pruned workspace) must not carry.
 */
export {
  startSubgraph,
  type SubgraphRecipe,
  type RunningSubgraph,
  type Started,
  type RawResponse,
} from './start-subgraph.ts';
export { identityOf, ADA, GRACE, ALAN, KATHERINE, EDSGER, ANONYMOUS } from './identities.ts';
export { errorsOf, codesOf, type PlainError } from './errors.ts';
export { healthOf } from './health.ts';
