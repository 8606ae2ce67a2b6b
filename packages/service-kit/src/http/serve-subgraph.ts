import type { RequestListener } from 'node:http';
import { createLogger, stdoutLogDestination, type Logger } from '../logger.ts';
import type { SubscriptionServer } from '../subscriptions/server.ts';
import { runSubgraph, type SubgraphProcess } from './run-subgraph.ts';

/**
 * A subgraph as its parts: what `src/subgraph.ts` exports, so that `src/index.ts` (serveSubgraph) and the
 * tests (`@supergraph/subgraph-testing`'s startSubgraph) build it the same way.
 */
export interface SubgraphDefinition<
  TEnv extends SubgraphProcess['env'] & { LOG_LEVEL: string; LOG_FLUSH_MS: number },
  TDatabase,
> {
  name: string;
  loadEnv(source: Record<string, string | undefined>): TEnv;
  /** Opens (does not migrate) the database; `onQuery` sees every statement. */
  openDatabase(env: TEnv, onQuery?: (sql: string) => void): Promise<TDatabase>;
  buildService(deps: { env: TEnv; logger: Logger; database: TDatabase }): Promise<{
    app: RequestListener;
    stop(): Promise<void>;
    /** A subgraph with subscriptions: its graphql-ws endpoint on the same port. */
    websocket?: SubscriptionServer | undefined;
  }>;
  createEvents(deps: { env: TEnv; logger: Logger; database: TDatabase }): SubgraphProcess['events'];
  /** Inserts the demo data idempotently; returns how many rows it added. */
  seed(database: TDatabase): Promise<number>;
}

/** Runs a subgraph process from its definition and the environment (see runSubgraph for its life). */
export async function serveSubgraph<
  TEnv extends SubgraphProcess['env'] & { LOG_LEVEL: string; LOG_FLUSH_MS: number },
  TDatabase extends SubgraphProcess['database'],
>(
  subgraph: SubgraphDefinition<TEnv, TDatabase>,
  tracing: SubgraphProcess['tracing'],
  source: Record<string, string | undefined> = process.env,
): Promise<void> {
  const env = subgraph.loadEnv(source);
  const logger = createLogger(subgraph.name, env.LOG_LEVEL, stdoutLogDestination(env.LOG_FLUSH_MS));
  const database = await subgraph.openDatabase(env);
  await runSubgraph({
    name: subgraph.name,
    env,
    logger,
    database,
    service: await subgraph.buildService({ env, logger, database }),
    events: subgraph.createEvents({ env, logger, database }),
    seed: () => subgraph.seed(database),
    tracing,
  });
}
