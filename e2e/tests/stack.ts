import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { openCatalogDatabase } from '@supergraph/catalog/db';
import { loadEnv as loadCatalogEnv } from '@supergraph/catalog/env';
import { createCatalogEvents } from '@supergraph/catalog/events';
import { seedDemoCatalog } from '@supergraph/catalog/seed';
import { buildCatalogService } from '@supergraph/catalog/server';
import { buildOrdersService } from '@supergraph/orders/server';
import { openOrdersDatabase } from '@supergraph/orders/db';
import { loadEnv as loadOrdersEnv } from '@supergraph/orders/env';
import { createOrdersEvents } from '@supergraph/orders/events';
import { seedDemoOrders } from '@supergraph/orders/seed';
import { buildRouter } from '@supergraph/router/server';
import { loadEnv as loadRouterEnv } from '@supergraph/router/env';
import { installResultShaping } from '@supergraph/router/result-shaping';
import { demoUser } from '@supergraph/demo-data';
import { listen, type RunningServer } from '@supergraph/service-kit/http';
import { createLogger, type Logger } from '@supergraph/service-kit/logger';
import { createQueryCounter } from '@supergraph/service-kit/db';
import { createTestDatabase, testSecrets } from '@supergraph/testing';
import { createUsersEvents } from '@supergraph/users/events';
import { buildUsersService } from '@supergraph/users/server';
import { openUsersDatabase } from '@supergraph/users/db';
import { loadEnv as loadUsersEnv } from '@supergraph/users/env';
import { seedDemoUsers } from '@supergraph/users/seed';
import { gatewayClient } from './gateway-client.ts';

/**
 * The whole supergraph for a test: every subgraph (users, orders, catalog) on a database of its own (PGlite, or
 * fresh PostgreSQL databases with TEST_DATABASE_URL), seeded with the demo data, and the gateway in front — every
 * one a real HTTP server on a free port. Tests talk to the gateway only.
 */
export interface StackOptions {
  /** Extra gateway configuration, e.g. NODE_ENV=production or tight limits. */
  gateway?: Record<string, string>;
  /**
   * Events between the services over a real RabbitMQ: each subgraph runs its outbox relay (and orders its
   * consumer, of users' and catalog's events), polling fast. `prefix` names every exchange and queue: unique per
   * run; the test deletes them.
   */
  events?: { amqpUrl: string; prefix: string };
  /** Each service's logger (default: silent), e.g. on a stream the test reads. */
  loggers?: Partial<Record<ServiceName, Logger>>;
}

export type SubgraphName = 'users' | 'orders' | 'catalog';
export type ServiceName = SubgraphName | 'gateway';

/**
 * A test's hook in front of a subgraph (see `stack.intercept`): it may wait before the subgraph handles a
 * request (a slow subgraph) or answer it itself (a failing one). Resolves true when it answered.
 */
export type SubgraphInterceptor = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export async function startStack(label: string, options: StackOptions = {}) {
  const secrets = testSecrets();
  const common = { ...secrets, NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0' };
  const logger = createLogger('e2e', 'silent');
  const loggerOf = (name: ServiceName) => options.loggers?.[name] ?? logger;
  // GraphQL requests that reached each subgraph: proves that a refused operation never left the gateway.
  const hits = { users: 0, orders: 0, catalog: 0 };
  const interceptors: Partial<Record<SubgraphName, SubgraphInterceptor>> = {};
  const cleanups: (() => Promise<void>)[] = [];

  const serve = (name: SubgraphName, app: RequestListener, port = 0) =>
    listen(
      (req, res) => {
        if (req.url?.startsWith('/graphql')) hits[name] += 1;
        const interceptor = interceptors[name];
        if (!interceptor) return void app(req, res);
        Promise.resolve(interceptor(req, res)).then(
          (answered) => answered || app(req, res),
          (error: unknown) => res.destroy(error as Error),
        );
      },
      port,
      '127.0.0.1',
    );

  const eventsConfig = options.events
    ? {
        AMQP_URL: options.events.amqpUrl,
        EVENTS_PREFIX: options.events.prefix,
        OUTBOX_POLL_INTERVAL_MS: '50',
        EVENTS_RETRY_DELAY_MS: '50',
      }
    : {};

  const usersDb = await createTestDatabase(`${label}_users`);
  cleanups.push(() => usersDb.drop());
  const usersEnv = loadUsersEnv({
    ...common,
    ...eventsConfig,
    DATABASE_URL: usersDb.url,
    DATA_DIR: usersDb.dataDir,
  });
  const usersSql = createQueryCounter();
  const usersDatabase = await openUsersDatabase(usersEnv, usersSql.record);
  cleanups.unshift(() => usersDatabase.close());
  await usersDatabase.migrate();
  await seedDemoUsers(usersDatabase.db);
  const users = await buildUsersService({
    env: usersEnv,
    logger: loggerOf('users'),
    database: usersDatabase,
  });
  cleanups.unshift(() => users.stop());
  const usersServer = await serve('users', users.app);

  const ordersDb = await createTestDatabase(`${label}_orders`);
  cleanups.push(() => ordersDb.drop());
  const ordersEnv = loadOrdersEnv({
    ...common,
    ...eventsConfig,
    DATABASE_URL: ordersDb.url,
    DATA_DIR: ordersDb.dataDir,
  });
  const ordersSql = createQueryCounter();
  const ordersDatabase = await openOrdersDatabase(ordersEnv, ordersSql.record);
  cleanups.unshift(() => ordersDatabase.close());
  await ordersDatabase.migrate();
  await seedDemoOrders(ordersDatabase.db);
  const orders = await buildOrdersService({
    env: ordersEnv,
    logger: loggerOf('orders'),
    database: ordersDatabase,
  });
  cleanups.unshift(() => orders.stop());
  const ordersServer = await serve('orders', orders.app);
  // Its subscriptions over graphql-ws on the same port, as runSubgraph serves them.
  ordersServer.server.on('upgrade', orders.websocket.upgrade);

  const catalogDb = await createTestDatabase(`${label}_catalog`);
  cleanups.push(() => catalogDb.drop());
  const catalogEnv = loadCatalogEnv({
    ...common,
    ...eventsConfig,
    DATABASE_URL: catalogDb.url,
    DATA_DIR: catalogDb.dataDir,
  });
  const catalogSql = createQueryCounter();
  const catalogDatabase = await openCatalogDatabase(catalogEnv, catalogSql.record);
  cleanups.unshift(() => catalogDatabase.close());
  await catalogDatabase.migrate();
  await seedDemoCatalog(catalogDatabase.db);
  const catalog = await buildCatalogService({
    env: catalogEnv,
    logger: loggerOf('catalog'),
    database: catalogDatabase,
  });
  cleanups.unshift(() => catalog.stop());
  const catalogServer = await serve('catalog', catalog.app);

  const events = options.events
    ? {
        users: createUsersEvents({ env: usersEnv, logger, database: usersDatabase }),
        orders: createOrdersEvents({ env: ordersEnv, logger, database: ordersDatabase }),
        catalog: createCatalogEvents({ env: catalogEnv, logger, database: catalogDatabase }),
      }
    : null;
  if (events) {
    await events.orders.start();
    await events.users.start();
    await events.catalog.start();
    // Stopped before the databases close; orders' queue exists before users or catalog publish anything.
    cleanups.unshift(
      () => events.catalog.stop(),
      () => events.users.stop(),
      () => events.orders.stop(),
    );
    await events.orders.consumer?.waitForConnect();
  }
  const subgraphs: Record<SubgraphName, { app: RequestListener; server: RunningServer }> = {
    users: { app: users.app, server: usersServer },
    orders: { app: orders.app, server: ordersServer },
    catalog: { app: catalog.app, server: catalogServer },
  };

  const routerEnv = loadRouterEnv({
    ...common,
    // As `npm start` does: the development landing page opens logged in as a demo customer.
    SANDBOX_USER_ID: demoUser('grace@example.com').id,
    SUBGRAPH_USERS_URL: `${usersServer.url}/graphql`,
    SUBGRAPH_ORDERS_URL: `${ordersServer.url}/graphql`,
    SUBGRAPH_CATALOG_URL: `${catalogServer.url}/graphql`,
    ...options.gateway,
  });
  // As router/src/index.ts does at start (process-wide: the last stack started in this process decides).
  installResultShaping(routerEnv.RESULT_SHAPING, loggerOf('gateway'));
  const router = buildRouter(routerEnv, loggerOf('gateway'));
  await router.start();
  cleanups.unshift(() => router.stop());
  const gatewayServer = await listen(router.app, 0, '127.0.0.1');
  // Subscriptions over WebSocket at the same /graphql, as router/src/index.ts serves them.
  router.attach(gatewayServer.server);
  const gatewayUrl = `${gatewayServer.url}/graphql`;
  // The gateway's metrics live on their own internal port, as METRICS_PORT gives them in production.
  const gatewayMetricsServer = await listen(router.metricsApp, 0, '127.0.0.1');

  const { query, request, logIn } = gatewayClient(gatewayUrl);

  return {
    gatewayUrl,
    gatewayMetricsUrl: `${gatewayMetricsServer.url}/metrics`,
    usersUrl: `${usersServer.url}/graphql`,
    ordersUrl: `${ordersServer.url}/graphql`,
    catalogUrl: `${catalogServer.url}/graphql`,
    sql: { users: usersSql, orders: ordersSql, catalog: catalogSql },
    hits,
    secrets,
    databases: { users: usersDatabase, orders: ordersDatabase, catalog: catalogDatabase },
    /** The subgraphs' relays and consumer, when started with `events`. */
    events,
    query,
    request,
    logIn,
    /** The gateway as built, e.g. to read `router.health`. */
    router,
    /** Puts `interceptor` in front of the subgraph `name`, or takes it away (undefined). */
    intercept(name: SubgraphName, interceptor: SubgraphInterceptor | undefined) {
      interceptors[name] = interceptor;
    },
    /** Closes the subgraph's HTTP server, cutting open connections: the gateway finds nobody at its URL. */
    async stopSubgraph(name: SubgraphName) {
      await subgraphs[name].server.close(0);
    },
    /** Serves the subgraph again at the same URL (nothing to do when it is running). */
    async startSubgraph(name: SubgraphName) {
      const { app, server } = subgraphs[name];
      if (server.server.listening) return;
      subgraphs[name].server = await serve(name, app, server.port);
      if (name === 'orders') subgraphs[name].server.server.on('upgrade', orders.websocket.upgrade);
    },
    /** Closes the gateway's HTTP server like a shutdown does: in-flight requests get `graceMs` to finish. */
    closeGateway(graceMs?: number) {
      return gatewayServer.close(graceMs);
    },
    async close() {
      // Closing a server twice is harmless, so a test may already have closed the gateway or a subgraph.
      await router.drainSubscriptions();
      await gatewayServer.close(1_000);
      await gatewayMetricsServer.close(0);
      for (const { server } of Object.values(subgraphs).reverse()) await server.close(1_000);
      for (const cleanup of cleanups) await cleanup();
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;
