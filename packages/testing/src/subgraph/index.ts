/**
 * `@supergraph/testing/subgraph`: one subgraph under test on a free port, and the demo callers. A subpath of
 * its own because it loads the service kit's HTTP stack (and graphql), which the package root must not:
 * e2e's tracing test installs its instrumentation before anything loads them.
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
