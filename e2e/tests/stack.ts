import { buildOrdersService } from '@supergraph/orders/server';
import { openOrdersDatabase } from '@supergraph/orders/db';
import { loadEnv as loadOrdersEnv } from '@supergraph/orders/env';
import { seedDemoOrders } from '@supergraph/orders/seed';
import { buildRouter } from '@supergraph/router/server';
import { loadEnv as loadRouterEnv } from '@supergraph/router/env';
import { createLogger, listen, type RunningServer } from '@supergraph/service-kit';
import { createQueryCounter } from '@supergraph/service-kit/db';
import { createTestDatabase, graphql, testSecrets, type GraphQLResponse } from '@supergraph/testing';
import { buildUsersService } from '@supergraph/users/server';
import { openUsersDatabase } from '@supergraph/users/db';
import { loadEnv as loadUsersEnv } from '@supergraph/users/env';
import { seedDemoUsers } from '@supergraph/users/seed';

/**
 * The whole supergraph for a test: both subgraphs on databases of their own (PGlite, or fresh PostgreSQL
 * databases with TEST_DATABASE_URL), seeded with the demo data, and the gateway in front — every one a real
 * HTTP server on a free port. Tests talk to the gateway only.
 */
export interface StackOptions {
  /** Extra gateway configuration, e.g. NODE_ENV=production or tight limits. */
  gateway?: Record<string, string>;
}

export async function startStack(label: string, options: StackOptions = {}) {
  const secrets = testSecrets();
  const common = { ...secrets, NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0' };
  const logger = createLogger('e2e', 'silent');
  const servers: RunningServer[] = [];
  // Requests that reached each subgraph: proves that a refused operation never left the gateway.
  const hits = { users: 0, orders: 0 };
  const cleanups: (() => Promise<void>)[] = [];

  const usersDb = await createTestDatabase(`${label}_users`);
  cleanups.push(() => usersDb.drop());
  const usersEnv = loadUsersEnv({ ...common, DATABASE_URL: usersDb.url, DATA_DIR: usersDb.dataDir });
  const usersSql = createQueryCounter();
  const usersDatabase = await openUsersDatabase(usersEnv, usersSql.record);
  cleanups.unshift(() => usersDatabase.close());
  await usersDatabase.migrate();
  await seedDemoUsers(usersDatabase.db);
  const users = await buildUsersService({ env: usersEnv, logger, database: usersDatabase });
  cleanups.unshift(() => users.stop());
  const usersServer = await listen(
    (req, res) => {
      hits.users += 1;
      users.app(req, res);
    },
    0,
    '127.0.0.1',
  );
  servers.push(usersServer);

  const ordersDb = await createTestDatabase(`${label}_orders`);
  cleanups.push(() => ordersDb.drop());
  const ordersEnv = loadOrdersEnv({ ...common, DATABASE_URL: ordersDb.url, DATA_DIR: ordersDb.dataDir });
  const ordersSql = createQueryCounter();
  const ordersDatabase = await openOrdersDatabase(ordersEnv, ordersSql.record);
  cleanups.unshift(() => ordersDatabase.close());
  await ordersDatabase.migrate();
  await seedDemoOrders(ordersDatabase.db);
  const orders = await buildOrdersService({ env: ordersEnv, logger, database: ordersDatabase });
  cleanups.unshift(() => orders.stop());
  const ordersServer = await listen(
    (req, res) => {
      hits.orders += 1;
      orders.app(req, res);
    },
    0,
    '127.0.0.1',
  );
  servers.push(ordersServer);

  const router = buildRouter(
    loadRouterEnv({
      ...common,
      SUBGRAPH_USERS_URL: `${usersServer.url}/graphql`,
      SUBGRAPH_ORDERS_URL: `${ordersServer.url}/graphql`,
      ...options.gateway,
    }),
    logger,
  );
  await router.start();
  cleanups.unshift(() => router.stop());
  const gatewayServer = await listen(router.app, 0, '127.0.0.1');
  servers.push(gatewayServer);
  const gatewayUrl = `${gatewayServer.url}/graphql`;

  async function query<TData = Record<string, unknown>>(
    document: string,
    variables: Record<string, unknown> = {},
    token?: string,
  ): Promise<GraphQLResponse<TData>> {
    return graphql<TData>(gatewayUrl, document, variables, token ? { authorization: `Bearer ${token}` } : {});
  }

  async function logIn(email: string, password = 'demo-password'): Promise<string> {
    const response = await query<{ logIn: { token: string } }>(
      'mutation LogIn($email: String!, $password: String!) { logIn(email: $email, password: $password) { token } }',
      { email, password },
    );
    if (!response.body.data?.logIn) throw new Error(`log in failed: ${JSON.stringify(response.body.errors)}`);
    return response.body.data.logIn.token;
  }

  return {
    gatewayUrl,
    usersUrl: `${usersServer.url}/graphql`,
    ordersUrl: `${ordersServer.url}/graphql`,
    sql: { users: usersSql, orders: ordersSql },
    hits,
    secrets,
    databases: { users: usersDatabase, orders: ordersDatabase },
    query,
    logIn,
    async close() {
      for (const server of servers.reverse()) await server.close(1_000);
      for (const cleanup of cleanups) await cleanup();
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;
