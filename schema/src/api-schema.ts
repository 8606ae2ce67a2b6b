import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';

/**
 * The schema clients see through the gateway: the supergraph without its join__/link__ machinery and without
 * @inaccessible elements, derived the way the gateway derives it. Clients break on changes to this, not to
 * the supergraph's federation metadata.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}
