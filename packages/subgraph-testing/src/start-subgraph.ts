import type { RequestListener } from 'node:http';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { INTERNAL_TOKEN_HEADER, signInternalToken, type Identity } from '@supergraph/service-kit/auth';
import { createQueryCounter, type QueryCounter } from '@supergraph/service-kit/db';
import { listen, type RunningServer } from '@supergraph/service-kit/http';
import { createLogger, type Logger } from '@supergraph/service-kit/logger';
import type { SubscriptionServer } from '@supergraph/service-kit/subscriptions';
import { createTestDatabase, graphql, testSecrets, type GraphQLResponse } from '@supergraph/testing';

/** What the harness reads from a subgraph's env: the gateway's secret, and the log level (silent unless overridden). */
type SubgraphEnv = { INTERNAL_SECRET: string; LOG_LEVEL: string };

/** How to build one subgraph, as its `src/index.ts` does: its `src/subgraph.ts` definition fits. */
export interface SubgraphRecipe<TEnv extends SubgraphEnv, TDatabase extends OpenDatabase> {
  name: string;
  loadEnv(source: Record<string, string | undefined>): TEnv;
  openDatabase(env: TEnv, onQuery: (sql: string) => void): Promise<TDatabase>;
  /** Inserts the demo data the tests expect. */
  seed(database: TDatabase): Promise<unknown>;
  buildService(deps: { env: TEnv; logger: Logger; database: TDatabase }): Promise<{
    app: RequestListener;
    stop(): Promise<void>;
    websocket?: SubscriptionServer | undefined;
  }>;
}

interface OpenDatabase {
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** What startSubgraph returns for a recipe: `let h: Started<typeof usersSubgraph>`. */
export type Started<TRecipe> =
  TRecipe extends SubgraphRecipe<infer TEnv, infer TDatabase> ? RunningSubgraph<TEnv, TDatabase> : never;

export interface RawResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, otherwise the text. */
  body: unknown;
}

export interface RunningSubgraph<TEnv, TDatabase> {
  /** The GraphQL endpoint, `http://127.0.0.1:<port>/graphql`. */
  url: string;
  /** The same endpoint for WebSocket subscriptions, `ws://127.0.0.1:<port>/graphql`. */
  wsUrl: string;
  /** The service's origin, for `/health/*` and `/metrics`. */
  origin: string;
  env: TEnv;
  /** Every SQL statement the service (and the test, through `database.db`) sends. */
  counter: QueryCounter;
  database: TDatabase;
  /**
   * A typed document POSTed to `/graphql`, signed by the gateway for `identity` (null: an anonymous caller),
   * with any headers the gateway forwards (`Idempotency-Key`).
   */
  call<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    identity?: Identity,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<TData>>;
  /** A query given as text: for requests no client would write (malformed, unknown fields, `_service`). */
  call<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    identity?: Identity,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<TData>>;
  /** A POST to `/graphql` with exactly these headers and body (nothing signed, nothing added). */
  callRaw(headers: Record<string, string>, body: unknown): Promise<RawResponse>;
  close(): Promise<void>;
}

/**
 * Starts a subgraph as its `src/index.ts` does, on a database of its own (in-memory PGlite, or a fresh
 * PostgreSQL database when TEST_DATABASE_URL is set), migrated and seeded, listening on a free port of
 * 127.0.0.1, with fresh secrets. `env` adds or overrides variables.
 */
export async function startSubgraph<TEnv extends SubgraphEnv, TDatabase extends OpenDatabase>(
  recipe: SubgraphRecipe<TEnv, TDatabase>,
  label: string,
  env: Record<string, string> = {},
): Promise<RunningSubgraph<TEnv, TDatabase>> {
  const testDb = await createTestDatabase(`${recipe.name}_${label}`);
  const config = recipe.loadEnv({
    ...testSecrets(),
    DATABASE_URL: testDb.url,
    DATA_DIR: testDb.dataDir,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    PORT: '0',
    ...env,
  });
  const logger = createLogger(recipe.name, config.LOG_LEVEL);
  const counter = createQueryCounter();
  const database = await recipe.openDatabase(config, counter.record);
  let service: Awaited<ReturnType<typeof recipe.buildService>>;
  let server: RunningServer;
  try {
    await database.migrate();
    await recipe.seed(database);
    service = await recipe.buildService({ env: config, logger, database });
    server = await listen(service.app, 0, '127.0.0.1');
    if (service.websocket) server.server.on('upgrade', service.websocket.upgrade);
  } catch (error) {
    // A start that fails half-way must not leave a PostgreSQL database behind.
    await database.close().catch(() => {});
    await testDb.drop();
    throw error;
  }
  const url = `${server.url}/graphql`;

  async function call(
    document: string | TypedDocumentNode<unknown, unknown>,
    variables: unknown = {},
    identity: Identity = null,
    headers: Record<string, string> = {},
  ) {
    const token = await signInternalToken(identity, config.INTERNAL_SECRET);
    const query = typeof document === 'string' ? document : print(document);
    return graphql(url, query, variables as Record<string, unknown>, {
      ...headers,
      [INTERNAL_TOKEN_HEADER]: token,
    });
  }

  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    origin: server.url,
    env: config,
    counter,
    database,
    call: call as RunningSubgraph<TEnv, TDatabase>['call'],
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
        // As the process does on SIGTERM: subscriptions end with 1001 before the HTTP server closes.
        await service.websocket?.close();
        await server.close(1_000);
        await service.stop();
      } finally {
        await database.close();
        await testDb.drop();
      }
    },
  };
}
