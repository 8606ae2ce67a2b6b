import type { RequestListener } from 'node:http';
import type { SubscriptionServer } from '../subscriptions/server.ts';
import { guardDriverFaults } from '../db/driver-fault-guard.ts';
import { waitForDatabase } from '../db/wait-for-database.ts';
import type { Logger } from '../logger.ts';
import { listen } from './listen.ts';
import { onShutdownSignal } from './shutdown.ts';

export interface SubgraphProcess {
  name: string;
  env: { PORT: number; HOST: string; NODE_ENV: string; SEED_DEMO_DATA: boolean };
  logger: Logger;
  database: { kind: string; migrate(): Promise<void>; close(): Promise<void> };
  /** `websocket`: a subgraph that serves subscriptions takes the HTTP server's upgrades. */
  service: { app: RequestListener; stop(): Promise<void>; websocket?: SubscriptionServer | undefined };
  /** Outbox relay and consumers: started once the database is migrated, stopped on shutdown. */
  events: { start(): Promise<void>; stop(): Promise<void> };
  /** Inserts the demo data idempotently; returns how many rows it added. Never run in production. */
  seed: () => Promise<number>;
  tracing: { shutdown(): Promise<void> };
}

/**
 * A subgraph process's life: listen first (so that while the database is unreachable the service answers
 * /health/ready with 503 and keeps retrying — "not ready", not a crash loop), then migrate, seed outside
 * production, start events; on SIGTERM/SIGINT stop in reverse order, ending WebSocket subscriptions with 1001
 * and letting in-flight requests finish. An
 * error the database driver throws outside any query is logged, not an exit (`guardDriverFaults`).
 */
export async function runSubgraph(process: SubgraphProcess): Promise<void> {
  const { name, env, logger, database, service, events } = process;
  guardDriverFaults(logger);
  const server = await listen(service.app, env.PORT, env.HOST);
  if (service.websocket) server.server.on('upgrade', service.websocket.upgrade);
  logger.info({ url: `${server.url}/graphql`, database: database.kind }, `${name} subgraph listening`);
  const stopping = new AbortController();

  onShutdownSignal(logger, async () => {
    stopping.abort();
    // Subscriptions first, with 1001 Going Away: the HTTP server's close would wait for them forever.
    await service.websocket?.close();
    await server.close();
    await service.stop();
    await events.stop();
    await database.close();
    await process.tracing.shutdown();
  });

  // A stop signal during start-up ends it quietly: the shutdown handler is already closing everything.
  try {
    await waitForDatabase(database, logger, { signal: stopping.signal });
  } catch (error) {
    if (stopping.signal.aborted) return;
    throw error;
  }
  if (stopping.signal.aborted) return;
  if (env.SEED_DEMO_DATA && env.NODE_ENV !== 'production') {
    const inserted = await process.seed();
    if (inserted > 0) logger.info({ inserted }, `seeded demo ${name}`);
  }
  if (stopping.signal.aborted) return;
  // Events need the migrated outbox, and never a broker to start.
  await events.start();
  logger.info(`${name} subgraph ready`);
}
