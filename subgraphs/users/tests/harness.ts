import { DEMO_USERS } from '@supergraph/demo-data';
import { INTERNAL_TOKEN_HEADER, signInternalToken, type Identity } from '@supergraph/service-kit/auth';
import { listen, type RunningServer } from '@supergraph/service-kit/http';
import { createLogger } from '@supergraph/service-kit/logger';
import { createQueryCounter, type QueryCounter } from '@supergraph/service-kit/db';
import { createTestDatabase, graphql, testSecrets, type GraphQLResponse } from '@supergraph/testing';
import { openUsersDatabase, type UsersDatabase } from '../src/db/client.ts';
import { seedDemoUsers } from '../src/db/seed.ts';
import { loadEnv, type UsersEnv } from '../src/env.ts';
import { buildUsersService } from '../src/server.ts';

const [ada, grace, alan] = DEMO_USERS;

/** Callers as the gateway would forward them, for the seeded demo users. */
export const ADMIN: NonNullable<Identity> = { userId: ada.id, role: 'ADMIN' };
export const CUSTOMER: NonNullable<Identity> = { userId: grace.id, role: 'CUSTOMER' };
/** A second customer, for "someone else's data" checks. */
export const OTHER_CUSTOMER: NonNullable<Identity> = { userId: alan.id, role: 'CUSTOMER' };
export const ANONYMOUS: Identity = null;

export interface RawResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, otherwise the text. */
  body: unknown;
}

export interface UsersHarness {
  /** The GraphQL endpoint, `http://127.0.0.1:<port>/graphql`. */
  url: string;
  /** The service's origin, for `/health/*`. */
  origin: string;
  env: UsersEnv;
  counter: QueryCounter;
  database: UsersDatabase;
  /** A GraphQL POST signed by the gateway for `identity` (null: an anonymous caller). */
  call<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    identity?: Identity,
  ): Promise<GraphQLResponse<TData>>;
  /** A POST to `/graphql` with exactly these headers and body (nothing signed, nothing added). */
  callRaw(headers: Record<string, string>, body: unknown): Promise<RawResponse>;
  close(): Promise<void>;
}

/**
 * Starts the users subgraph as `src/index.ts` does, on a database of its own (in-memory PGlite, or a fresh
 * PostgreSQL database when TEST_DATABASE_URL is set), migrated and seeded with the demo users, listening on a
 * free port of 127.0.0.1.
 */
export async function startUsers(label: string): Promise<UsersHarness> {
  const testDb = await createTestDatabase(`users_${label}`);
  const env = loadEnv({
    ...testSecrets(),
    DATABASE_URL: testDb.url,
    DATA_DIR: testDb.dataDir,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    PORT: '0',
  });
  const logger = createLogger('users', env.LOG_LEVEL);
  const counter = createQueryCounter();
  const opened = await openUsersDatabase(env, counter.record);
  // Closing twice is harmless, so a test may take the database away (readiness) and still call close().
  let closing: Promise<void> | undefined;
  const database: UsersDatabase = { ...opened, close: () => (closing ??= opened.close()) };
  let service: Awaited<ReturnType<typeof buildUsersService>>;
  let server: RunningServer;
  try {
    await database.migrate();
    await seedDemoUsers(database.db);
    service = await buildUsersService({ env, logger, database });
    server = await listen(service.app, 0, '127.0.0.1');
  } catch (error) {
    // A start that fails half-way must not leave a PostgreSQL database behind.
    await database.close().catch(() => {});
    await testDb.drop();
    throw error;
  }
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
    async close() {
      try {
        await server.close(1_000);
        await service.stop();
      } finally {
        await database.close();
        await testDb.drop();
      }
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

/** A stored password hash that is not a valid scrypt hash: for rows inserted directly, which never log in. */
export const DUMMY_PASSWORD_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$not-a-real-hash';
