import { readFileSync } from 'node:fs';
import { DEFAULT_SUPPORTED_SUPERGRAPH_FEATURES, Supergraph } from '@apollo/federation-internals';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { loadSchemaDocument } from '@supergraph/service-kit/graphql';
import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Generated types, never committed (turbo's cached `codegen` task writes them before typecheck/test):
 * resolver signatures per subgraph, typed against the Drizzle rows each type is resolved from, and typed
 * documents for every operation in an `operations/` folder, typed against the schema clients see.
 */
const resolverPlugins = ['typescript', 'typescript-resolvers'];

const sharedResolverConfig = {
  federation: true,
  useTypeImports: true,
  useIndexSignature: false,
  enumsAsTypes: true,
  scalars: { DateTime: { input: 'Date', output: 'Date | string' } },
};

/**
 * The client-facing API schema (without join__/link__ machinery and @inaccessible elements), derived from the
 * committed supergraph the way the gateway derives it (see schema/src/api-schema.ts). Operations are typed
 * against this, never against the raw supergraph SDL. A custom schema loader: codegen calls it with the pointer.
 */
const apiSchemaLoader = (supergraphPath: string) =>
  Supergraph.build(readFileSync(supergraphPath, 'utf8'), {
    // The authorization features (enforced by the gateway) are linked `for: SECURITY`; codegen only types.
    supportedFeatures: new Set([
      ...DEFAULT_SUPPORTED_SUPERGRAPH_FEATURES,
      'https://specs.apollo.dev/authenticated/v0.1',
      'https://specs.apollo.dev/requiresScopes/v0.1',
      'https://specs.apollo.dev/policy/v0.1',
    ]),
  })
    .apiSchema()
    // With @defer declared, as the gateway serves it (router/src/defer/schema.ts): clients may defer fragments.
    .toGraphQLJSSchema({ includeDefer: true });

/**
 * Typed document nodes for one operations corpus: `<Name>Document` (a TypedDocumentNode), `<Name>Query` /
 * `<Name>Mutation` and `<Name>Variables` for each operation file. A frontend with its own `operations/` folder
 * adds one line to `generates` below: `'<app>/src/generated/operations.ts': typedDocuments('<app>/operations')`.
 */
function typedDocuments(operationsDir: string) {
  return {
    // codegen accepts a loader function, though its types only list module paths.
    schema: { 'schema/supergraph.graphql': { loader: apiSchemaLoader as unknown as string } },
    documents: `${operationsDir}/**/*.graphql`,
    plugins: ['typescript-operations', 'typed-document-node'],
    config: {
      useTypeImports: true,
      enumsAsTypes: true,
      // What arrives over JSON: DateTime is an ISO-8601 string.
      scalars: { DateTime: 'string' },
    },
  };
}

/**
 * The web app's operations (`web/operations/*.graphql`) through GraphQL Code Generator's client preset: one
 * `<Name>Document` per operation in `web/src/generated/graphql.ts`, typed with its result and variables,
 * which Apollo Client's hooks infer from. A deferred fragment's fields are typed as possibly absent.
 */
const webClient = {
  // codegen accepts a loader function, though its types only list module paths.
  schema: { 'schema/supergraph.graphql': { loader: apiSchemaLoader as unknown as string } },
  documents: 'web/operations/**/*.graphql',
  preset: 'client' as const,
  // Apollo Client 4 masks nothing unless asked; the app reads each operation's result whole.
  presetConfig: { fragmentMasking: false },
  config: {
    useTypeImports: true,
    enumsAsTypes: true,
    // What arrives over JSON: DateTime is an ISO-8601 string.
    scalars: { DateTime: 'string' },
  },
};

/** A subgraph's schema as it serves it (with `_entities` and `_service`): what its own tests are typed against. */
const subgraphSchemaLoader = (schemaDir: string) => buildSubgraphSchema(loadSchemaDocument(schemaDir));

/**
 * A subgraph's generated code: resolver types (typed against its context and the rows its types are resolved
 * from) and typed documents for its tests' operations (`tests/documents/*.graphql`, typed against the
 * subgraph itself, not the supergraph). `npm run new:subgraph` adds one line per subgraph below.
 */
function subgraphTargets(
  name: string,
  { contextType, mappers }: { contextType: string; mappers: Record<string, string> },
) {
  const dir = `subgraphs/${name}`;
  return {
    [`${dir}/src/generated/resolvers-types.ts`]: {
      schema: ['packages/service-kit/src/graphql/base.graphql', `${dir}/src/graphql/**/*.graphql`],
      plugins: resolverPlugins,
      config: { ...sharedResolverConfig, contextType, mappers },
    },
    [`${dir}/tests/generated/operations.ts`]: {
      // codegen accepts a loader function, though its types only list module paths.
      schema: { [`${dir}/src/graphql`]: { loader: subgraphSchemaLoader as unknown as string } },
      // Not an `operations/` folder: the schema checks treat those as client operations of the API schema.
      documents: `${dir}/tests/documents/**/*.graphql`,
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        // What arrives over JSON: DateTime is an ISO-8601 string; an entity representation is an object.
        scalars: { DateTime: 'string', _Any: '{ __typename: string; [field: string]: unknown }' },
      },
    },
  };
}

const config: CodegenConfig = {
  overwrite: true,
  emitLegacyCommonJSImports: false,
  generates: {
    ...subgraphTargets('users', {
      contextType: '../context.ts#UsersContext',
      mappers: { User: '../db/schema.ts#UserRow' },
    }),
    ...subgraphTargets('orders', {
      contextType: '../context.ts#OrdersContext',
      mappers: {
        Order: '../graphql/order/mappers.ts#OrderModel',
        OrderItem: '../graphql/order/mappers.ts#OrderItemModel',
        User: '../graphql/user/mappers.ts#UserReference',
        Product: '../graphql/product/mappers.ts#ProductReference',
      },
    }),
    ...subgraphTargets('catalog', {
      contextType: '../context.ts#CatalogContext',
      mappers: { Product: '../graphql/product/mappers.ts#ProductModel' },
    }),
    'e2e/src/generated/operations.ts': typedDocuments('e2e/operations'),
    'web/src/generated/': webClient,
  },
};

export default config;
