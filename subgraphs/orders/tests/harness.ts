import { demoUser, type DemoUser } from '@supergraph/demo-data';
import { INTERNAL_TOKEN_HEADER, signInternalToken, type Identity } from '@supergraph/service-kit/auth';
import { listen } from '@supergraph/service-kit/http';
import { createLogger } from '@supergraph/service-kit/logger';
import { createQueryCounter, type QueryCounter } from '@supergraph/service-kit/db';
import { createTestDatabase, graphql, testSecrets, type GraphQLResponse } from '@supergraph/testing';
import { openOrdersDatabase, type OrdersDatabase } from '../src/db/client.ts';
import { orderItems, orders } from '../src/db/schema.ts';
import { seedDemoOrders } from '../src/db/seed.ts';
import { loadEnv, type OrdersEnv } from '../src/env.ts';
import { buildOrdersService } from '../src/server.ts';

/** A demo user as the gateway forwards them: their fixed id and their role. */
export const identityOf = (email: DemoUser['email']): NonNullable<Identity> => {
  const user = demoUser(email);
  return { userId: user.id, role: user.role };
};

export const ADA = identityOf('ada@example.com');
export const GRACE = identityOf('grace@example.com');
export const ALAN = identityOf('alan@example.com');
export const KATHERINE = identityOf('katherine@example.com');
/** A customer without any demo order. */
export const EDSGER = identityOf('edsger@example.com');
export const ANONYMOUS: Identity = null;

/** The seeded demo orders (src/db/seed.ts), by owner and status; createdAt grows with the last digit. */
export const DEMO_ORDERS = {
  graceShipped: '10000000-0000-4000-8000-000000000001',
  gracePaid: '10000000-0000-4000-8000-000000000002',
  gracePending: '10000000-0000-4000-8000-000000000003',
  alanPending: '10000000-0000-4000-8000-000000000004',
  katherineCancelled: '10000000-0000-4000-8000-000000000005',
  adaPaid: '10000000-0000-4000-8000-000000000006',
} as const;

/** A well-formed uuid that no order has. */
export const UNKNOWN_ID = '10000000-0000-4000-8000-0000000000ff';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface RawResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, otherwise the text. */
  body: unknown;
}

export interface OrdersHarness {
  /** The GraphQL endpoint, `http://127.0.0.1:<port>/graphql`. */
  url: string;
  /** The service's origin, for `/health/*`. */
  origin: string;
  env: OrdersEnv;
  /** Every SQL statement the service (and the test, through `database.db`) sends. */
  counter: QueryCounter;
  database: OrdersDatabase;
  /** A GraphQL POST signed by the gateway for `identity` (null, the default: an anonymous caller). */
  call<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    identity?: Identity,
  ): Promise<GraphQLResponse<TData>>;
  /** A POST to `/graphql` with exactly these headers and body (nothing signed, nothing added). */
  callRaw(headers: Record<string, string>, body: unknown): Promise<RawResponse>;
  /** How many rows the orders and order_items tables hold. */
  rowCounts(): Promise<{ orders: number; items: number }>;
  close(): Promise<void>;
}

/**
 * Starts the orders subgraph as `src/index.ts` does, on a database of its own (in-memory PGlite, or a fresh
 * PostgreSQL database when TEST_DATABASE_URL is set), migrated and seeded with the demo orders, listening on
 * a free port of 127.0.0.1.
 */
export async function startOrders(label: string): Promise<OrdersHarness> {
  const testDb = await createTestDatabase(`orders_${label}`);
  const env = loadEnv({
    INTERNAL_SECRET: testSecrets().INTERNAL_SECRET,
    DATABASE_URL: testDb.url,
    DATA_DIR: testDb.dataDir,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    PORT: '0',
  });
  const logger = createLogger('orders', env.LOG_LEVEL);
  const counter = createQueryCounter();
  const database = await openOrdersDatabase(env, counter.record);
  await database.migrate();
  await seedDemoOrders(database.db);
  const service = await buildOrdersService({ env, logger, database });
  const server = await listen(service.app, 0, '127.0.0.1');
  const url = `${server.url}/graphql`;

  return {
    url,
    origin: server.url,
    env,
    counter,
    database,
    async call<TData>(query: string, variables: Record<string, unknown> = {}, identity: Identity = null) {
      const token = await signInternalToken(identity, env.INTERNAL_SECRET);
      return graphql<TData>(url, query, variables, { [INTERNAL_TOKEN_HEADER]: token });
    },
    async callRaw(headers, body) {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON: keep the text.
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
    async rowCounts() {
      const [orderRows, itemRows] = await Promise.all([
        database.db.$count(orders),
        database.db.$count(orderItems),
      ]);
      return { orders: orderRows, items: itemRows };
    },
    async close() {
      await server.close(1_000);
      await service.stop();
      await database.close();
      await testDb.drop();
    },
  };
}

/** A GraphQL error without its source locations, which depend on the query's layout. */
export interface PlainError {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

export function errorsOf(response: GraphQLResponse<unknown>): PlainError[] {
  return (response.body.errors ?? []).map(({ message, path, extensions }) => ({
    message,
    ...(path ? { path } : {}),
    ...(extensions ? { extensions } : {}),
  }));
}

/** The codes of a response's errors, in order. */
export const codesOf = (response: GraphQLResponse<unknown>): unknown[] =>
  (response.body.errors ?? []).map((error) => error.extensions?.['code']);
