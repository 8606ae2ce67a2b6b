import { DEFAULT_SUPPORTED_SUPERGRAPH_FEATURES, Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';

/**
 * The schema clients see through the gateway: the supergraph without its join__/link__ machinery and without
 * @inaccessible elements, derived the way the gateway derives it. Clients break on changes to this, not to
 * the supergraph's federation metadata.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return buildSupergraph(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

/**
 * The API schema that operations are validated against: with `@defer` declared, as the gateway declares it
 * (router/src/defer/schema.ts), so a client's deferred fragments are checked like any other selection.
 */
export function operationsSchemaOf(supergraphSdl: string): GraphQLSchema {
  return buildSupergraph(supergraphSdl).apiSchema().toGraphQLJSSchema({ includeDefer: true });
}

/**
 * The authorization features the gateway enforces (router/src/authorization/): the supergraph links them
 * `for: SECURITY`, which federation-internals' default feature set refuses.
 */
export const AUTHORIZATION_FEATURES = [
  'https://specs.apollo.dev/authenticated/v0.1',
  'https://specs.apollo.dev/requiresScopes/v0.1',
  'https://specs.apollo.dev/policy/v0.1',
] as const;

/** Supergraph.build accepting the authorization features, as the gateway does. */
export function buildSupergraph(supergraphSdl: string): Supergraph {
  return Supergraph.build(supergraphSdl, {
    supportedFeatures: new Set([...DEFAULT_SUPPORTED_SUPERGRAPH_FEATURES, ...AUTHORIZATION_FEATURES]),
  });
}
