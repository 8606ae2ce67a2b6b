import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Generated types, never committed (turbo's cached `codegen` task writes them before typecheck/test):
 * resolver signatures per subgraph, typed against the Drizzle rows each type is resolved from.
 */
const resolverPlugins = ['typescript', 'typescript-resolvers'];

const sharedResolverConfig = {
  federation: true,
  useTypeImports: true,
  useIndexSignature: false,
  enumsAsTypes: true,
  scalars: { DateTime: { input: 'Date', output: 'Date | string' } },
};

const config: CodegenConfig = {
  overwrite: true,
  emitLegacyCommonJSImports: false,
  generates: {
    'subgraphs/users/src/generated/resolvers-types.ts': {
      schema: 'subgraphs/users/src/graphql/**/*.graphql',
      plugins: resolverPlugins,
      config: {
        ...sharedResolverConfig,
        contextType: '../context.ts#UsersContext',
        mappers: {
          User: '../db/schema.ts#UserRow',
        },
      },
    },
    'subgraphs/orders/src/generated/resolvers-types.ts': {
      schema: 'subgraphs/orders/src/graphql/**/*.graphql',
      plugins: resolverPlugins,
      config: {
        ...sharedResolverConfig,
        contextType: '../context.ts#OrdersContext',
        mappers: {
          Order: '../graphql/order/mappers.ts#OrderModel',
          OrderItem: '../graphql/order/mappers.ts#OrderItemModel',
          User: '../graphql/user/mappers.ts#UserReference',
        },
      },
    },
  },
};

export default config;
