import { ApolloServer } from '@apollo/server';
import { loadEnv as loadCatalogEnv } from '@supergraph/catalog/env';
import { openCatalogDatabase } from '@supergraph/catalog/db';
import { resolvers as catalogResolvers } from '@supergraph/catalog/resolvers';
import { SCHEMA_DIR as CATALOG_SCHEMA_DIR } from '@supergraph/catalog/server';
import { loadEnv as loadOrdersEnv } from '@supergraph/orders/env';
import { openOrdersDatabase } from '@supergraph/orders/db';
import type { OrderItemRow, OrderRow } from '@supergraph/orders/db-schema';
import { resolvers as ordersResolvers } from '@supergraph/orders/resolvers';
import { SCHEMA_DIR as ORDERS_SCHEMA_DIR } from '@supergraph/orders/server';
import { InvalidTokenError, verifyAccessToken, type Identity } from '@supergraph/service-kit/auth';
import { createErrorFormatter, unauthenticatedRequest } from '@supergraph/service-kit/errors';
import { createGraphQLApp, IDEMPOTENCY_KEY_HEADER, listen } from '@supergraph/service-kit/http';
import { createLogger } from '@supergraph/service-kit/logger';
import { createQueryCounter } from '@supergraph/service-kit/db';
import { loadSchemaDocument } from '@supergraph/service-kit/graphql';
import { loadEnv as loadUsersEnv } from '@supergraph/users/env';
import { openUsersDatabase } from '@supergraph/users/db';
import { resolvers as usersResolvers } from '@supergraph/users/resolvers';
import { SCHEMA_DIR as USERS_SCHEMA_DIR } from '@supergraph/users/server';
// The subgraphs export no context builder, and the monolith must use their very DataLoaders: imported by path
// (read-only). A `./context` export in each subgraph's package.json would make these workspace imports.
import {
  createContext as createCatalogContext,
  type CatalogContext,
} from '../../../subgraphs/catalog/src/context.ts';
import {
  createContext as createOrdersContext,
  createLoaders as createOrdersLoaders,
  type OrdersContext,
} from '../../../subgraphs/orders/src/context.ts';
import { createOrderUpdates } from '../../../subgraphs/orders/src/live/order-updates.ts';
import {
  createContext as createUsersContext,
  type UsersContext,
} from '../../../subgraphs/users/src/context.ts';
import type { BenchSecrets } from '../auth.ts';
import type { SubgraphName } from '../configurations.ts';
import type { DatabaseTarget } from '../databases.ts';
import { buildDataset, type DatasetOptions } from '../dataset.ts';
import { seedCatalog, seedOrders, seedUsers } from '../seed.ts';
import { countingGraphQLRequests } from './counters.ts';
import { buildMonolithSchema, type ResolverMap } from './monolith-schema.ts';
import type { RunningServer } from './running.ts';

/** The three services' contexts for one request, sharing identity, request id and logger. */
export interface MonolithContext {
  users: UsersContext;
  orders: OrdersContext;
  catalog: CatalogContext;
}

export interface MonolithOptions {
  secrets: BenchSecrets;
  databases: Record<SubgraphName, DatabaseTarget>;
  /** Migrates and seeds its own databases (PGlite); null when it shares databases the subgraphs seeded. */
  seed: DatasetOptions | null;
  nodeEnv: 'production' | 'test';
  logLevel: string;
}

async function identityOf(authorization: string | undefined, jwtSecret: string): Promise<Identity> {
  if (!authorization) return null;
  const token = /^Bearer +(\S+)$/i.exec(authorization.trim())?.[1];
  if (!token) throw unauthenticatedRequest('The Authorization header must be "Bearer <token>".');
  try {
    return await verifyAccessToken(token, jwtSecret);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw unauthenticatedRequest(error.message);
    throw error;
  }
}

/**
 * Configuration C: the same schema and resolvers without federation, in one Apollo Server and one process.
 * `Order.user` goes to the users service's DataLoader in-process instead of through a gateway, and
 * `OrderItem.product` to the catalog's; `User.orders` is the orders service's resolver, handed the user row
 * directly. Same HTTP app as the services (service-kit),
 * same bearer-token check as the gateway.
 */
export async function startMonolith(options: MonolithOptions): Promise<RunningServer> {
  const { secrets } = options;
  const common = {
    ...secrets,
    NODE_ENV: options.nodeEnv,
    LOG_LEVEL: options.logLevel,
    SEED_DEMO_DATA: 'false',
  };
  const usersEnv = loadUsersEnv({
    ...common,
    DATABASE_URL: options.databases.users.url,
    DATA_DIR: options.databases.users.dataDir,
  });
  const ordersEnv = loadOrdersEnv({
    ...common,
    DATABASE_URL: options.databases.orders.url,
    DATA_DIR: options.databases.orders.dataDir,
  });
  const catalogEnv = loadCatalogEnv({
    ...common,
    DATABASE_URL: options.databases.catalog.url,
    DATA_DIR: options.databases.catalog.dataDir,
  });
  const sql = { users: createQueryCounter(), orders: createQueryCounter(), catalog: createQueryCounter() };
  const usersDatabase = await openUsersDatabase(usersEnv, sql.users.record);
  const ordersDatabase = await openOrdersDatabase(ordersEnv, sql.orders.record);
  const catalogDatabase = await openCatalogDatabase(catalogEnv, sql.catalog.record);
  const databases = [usersDatabase, ordersDatabase, catalogDatabase];
  if (options.seed) {
    const dataset = buildDataset(options.seed);
    for (const database of databases) await database.migrate();
    await seedUsers(usersDatabase.db, dataset);
    await seedOrders(ordersDatabase.db, dataset);
    await seedCatalog(catalogDatabase.db, dataset);
  }
  const counters = Object.values(sql);
  for (const counter of counters) counter.reset();

  const logger = createLogger('monolith', options.logLevel);
  // The monolith serves no subscriptions: orders' live updates stay empty (nothing feeds them).
  const ordersLive = createOrderUpdates({
    createLoaders: () => createOrdersLoaders(ordersDatabase.db),
    logger,
  });
  const schema = buildMonolithSchema<MonolithContext>(
    [
      {
        typeDefs: loadSchemaDocument(USERS_SCHEMA_DIR),
        resolvers: usersResolvers as ResolverMap,
        contextOf: (context) => context.users,
      },
      {
        typeDefs: loadSchemaDocument(ORDERS_SCHEMA_DIR),
        resolvers: ordersResolvers as ResolverMap,
        contextOf: (context) => context.orders,
      },
      {
        typeDefs: loadSchemaDocument(CATALOG_SCHEMA_DIR),
        resolvers: catalogResolvers as ResolverMap,
        contextOf: (context) => context.catalog,
      },
    ],
    {
      Order: {
        user: (order: OrderRow, _args: never, context: MonolithContext) =>
          context.users.loaders.user.load(order.userId),
      },
      OrderItem: {
        product: (item: OrderItemRow, _args: never, context: MonolithContext) =>
          item.productId ? context.catalog.loaders.product.load(item.productId) : null,
      },
    },
  );
  const apollo = new ApolloServer<MonolithContext>({
    schema,
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    introspection: options.nodeEnv !== 'production',
  });
  await apollo.start();
  const app = createGraphQLApp<MonolithContext>({
    apollo,
    logger,
    readiness: async () => {
      for (const database of databases) await database.ping();
    },
    context: async (req, _res, { requestId, logger: requestLogger }) => {
      const identity = await identityOf(req.headers.authorization, secrets.JWT_SECRET);
      const shared = {
        identity,
        requestId,
        logger: requestLogger,
        idempotencyKey: req.headers[IDEMPOTENCY_KEY_HEADER],
      };
      return {
        users: createUsersContext({
          ...shared,
          db: usersDatabase.db,
          tokens: { secret: secrets.JWT_SECRET, ttlSeconds: usersEnv.ACCESS_TOKEN_TTL_SECONDS },
        }),
        orders: createOrdersContext({ ...shared, db: ordersDatabase.db, live: ordersLive }),
        catalog: createCatalogContext({ ...shared, db: catalogDatabase.db }),
      };
    },
  });
  const counting = countingGraphQLRequests(app);
  const server = await listen(counting.handler, 0, '127.0.0.1');
  return {
    url: `${server.url}/graphql`,
    counters: () => ({
      graphqlRequests: counting.count(),
      sql: { users: sql.users.count, orders: sql.orders.count, catalog: sql.catalog.count },
    }),
    resetCounters: () => {
      counting.reset();
      for (const counter of counters) counter.reset();
    },
    async stop() {
      await server.close(1_000);
      await apollo.stop();
      for (const database of databases) await database.close();
    },
  };
}
