import { mergeTypeDefs } from '@graphql-tools/merge';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLScalarType, visit, type DocumentNode, type GraphQLSchema } from 'graphql';

/** Directives that only mean something to federation; a plain GraphQL server has no definition for them. */
const FEDERATION_DIRECTIVES = new Set([
  'authenticated',
  'composeDirective',
  'context',
  'cost',
  'external',
  'extends',
  'fromContext',
  'inaccessible',
  'interfaceObject',
  'key',
  'link',
  'listSize',
  'override',
  'policy',
  'provides',
  'requires',
  'requiresScopes',
  'shareable',
  'tag',
]);

/** A subgraph's SDL without `extend schema @link(…)` and without federation directives. */
export function stripFederation(document: DocumentNode): DocumentNode {
  return visit(document, {
    SchemaExtension: () => null,
    Directive: (node) => (FEDERATION_DIRECTIVES.has(node.name.value) ? null : undefined),
  });
}

type Resolver = (parent: unknown, args: unknown, context: unknown, info: unknown) => unknown;
/** A resolver map as the subgraphs export it, seen structurally: type name → field name → resolver. */
export type ResolverMap = Record<string, unknown>;

/**
 * One part of the monolith: a subgraph's schema and resolvers, and how to find that subgraph's own context
 * inside the monolith's context (each resolver set keeps reading `db`, `loaders` … of its own service).
 */
export interface MonolithPart<TContext> {
  typeDefs: DocumentNode;
  resolvers: ResolverMap;
  contextOf: (context: TContext) => unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/**
 * Merges the parts into one executable schema: type definitions merged by name (the two `User`s become one
 * type with the fields of both), every resolver given its own service's context, `__resolveReference` dropped
 * (nothing references entities across a network any more), and `overrides` applied last — that is where the
 * federation hops become in-process calls.
 */
export function buildMonolithSchema<TContext>(
  parts: readonly MonolithPart<TContext>[],
  overrides: Record<string, Record<string, (parent: never, args: never, context: TContext) => unknown>>,
): GraphQLSchema {
  const resolvers: Record<string, GraphQLScalarType | Record<string, Resolver>> = {};
  for (const { resolvers: map, contextOf } of parts) {
    for (const [typeName, typeResolvers] of Object.entries(map)) {
      // The monolith answers the bench's queries; subscriptions are measured through our gateway only
      // (subscriptions/scenario.ts), so their `{ subscribe, resolve }` resolvers are left out.
      if (typeName === 'Subscription') continue;
      if (typeResolvers instanceof GraphQLScalarType) {
        resolvers[typeName] ??= typeResolvers;
        continue;
      }
      if (!isRecord(typeResolvers)) throw new Error(`resolvers for ${typeName} are not a map of fields`);
      const fields = (resolvers[typeName] ??= {}) as Record<string, Resolver>;
      for (const [fieldName, resolver] of Object.entries(typeResolvers)) {
        if (fieldName === '__resolveReference') continue;
        if (typeof resolver !== 'function')
          throw new Error(`${typeName}.${fieldName} is not a plain resolver function`);
        if (fieldName in fields) throw new Error(`${typeName}.${fieldName} is resolved by two subgraphs`);
        const resolve = resolver as Resolver;
        fields[fieldName] = (parent, args, context, info) =>
          resolve(parent, args, contextOf(context as TContext), info);
      }
    }
  }
  for (const [typeName, fields] of Object.entries(overrides)) {
    resolvers[typeName] = {
      ...(resolvers[typeName] as Record<string, Resolver> | undefined),
      ...(fields as unknown as Record<string, Resolver>),
    };
  }
  return makeExecutableSchema({
    typeDefs: mergeTypeDefs(parts.map((part) => stripFederation(part.typeDefs))),
    resolvers,
  });
}
