import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { Logger as DrizzleLogger } from 'drizzle-orm/logger';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { createUsageTracker, trackPgliteClient, trackPostgresClient, type DatabaseUsage } from './usage.ts';

/** The one database type services program against, whichever driver is underneath. */
export type Database<TSchema extends Record<string, unknown>> = PgDatabase<PgQueryResultHKT, TSchema>;

export interface DatabaseOptions<TSchema extends Record<string, unknown>> {
  /** postgres:// URL for PostgreSQL; undefined for embedded PGlite. */
  url: string | undefined;
  /** Folder for PGlite's files when `url` is unset; `memory://` keeps it in memory (tests). */
  dataDir: string;
  schema: TSchema;
  migrationsFolder: string;
  /** Name used for the migration advisory lock, so replicas starting together migrate one at a time. */
  name: string;
  /** PostgreSQL connection pool limits (ignored by PGlite, which has one connection). */
  pool?: PoolOptions;
  onQuery?: (sql: string) => void;
}

export interface PoolOptions {
  /** Most connections this process opens. */
  max: number;
  /** Close a connection idle this long. */
  idleTimeoutSeconds: number;
  /** Give up opening a connection after this long. */
  connectTimeoutSeconds: number;
  /** PostgreSQL cancels any statement running longer (server-side `statement_timeout`). */
  statementTimeoutMs: number;
}

const DEFAULT_POOL: PoolOptions = {
  max: 10,
  idleTimeoutSeconds: 30,
  connectTimeoutSeconds: 5,
  statementTimeoutMs: 10_000,
};

export interface DatabaseHandle<TSchema extends Record<string, unknown>> {
  db: Database<TSchema>;
  kind: 'postgres' | 'pglite';
  /** Applies committed drizzle-kit migrations; safe to call from several replicas at once. */
  migrate(): Promise<void>;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  /** Throws unless migrations were applied by this process and the database answers: the readiness check. */
  ready(): Promise<void>;
  close(): Promise<void>;
  /** Statements in flight, open transactions and the pool size, for metrics. */
  readonly usage: DatabaseUsage;
}

export async function createDatabase<TSchema extends Record<string, unknown>>(
  options: DatabaseOptions<TSchema>,
): Promise<DatabaseHandle<TSchema>> {
  const logger: DrizzleLogger | undefined = options.onQuery
    ? { logQuery: (query) => options.onQuery?.(query) }
    : undefined;
  const handle = options.url ? openPostgres(options.url, options, logger) : await openPglite(options, logger);
  let migrated = false;
  let closed: Promise<void> | undefined;
  return {
    ...handle,
    // Idempotent: shutdown paths and tests may both close the same database.
    close: () => (closed ??= handle.close()),
    async migrate() {
      await handle.migrate();
      migrated = true;
    },
    async ready() {
      if (!migrated) throw new Error(`${options.name} database: migrations not applied yet`);
      await handle.ping();
    },
  };
}

function openPostgres<TSchema extends Record<string, unknown>>(
  url: string,
  options: DatabaseOptions<TSchema>,
  logger: DrizzleLogger | undefined,
): Omit<DatabaseHandle<TSchema>, 'ready'> {
  const pool = options.pool ?? DEFAULT_POOL;
  // postgres.js connects lazily and reconnects on its own: a database that is down at start or drops
  // mid-run makes queries fail (with a coded error, see errors.ts) until it is back, never the process.
  const client = postgres(url, {
    max: pool.max,
    idle_timeout: pool.idleTimeoutSeconds,
    connect_timeout: pool.connectTimeoutSeconds,
    connection: { statement_timeout: pool.statementTimeoutMs, application_name: options.name },
    onnotice: () => {},
  });
  const tracker = createUsageTracker(options.name, pool.max);
  const db = drizzlePostgres({
    client: trackPostgresClient(client, tracker),
    schema: options.schema,
    casing: 'snake_case',
    ...(logger ? { logger } : {}),
  });
  return {
    db,
    kind: 'postgres',
    usage: tracker.usage,
    async migrate() {
      const lock = await client.reserve();
      try {
        await lock`select pg_advisory_lock(hashtext(${`migrations:${options.name}`}))`;
        await migratePostgres(db, { migrationsFolder: options.migrationsFolder });
      } finally {
        await lock`select pg_advisory_unlock(hashtext(${`migrations:${options.name}`}))`.catch(() => {});
        lock.release();
      }
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

async function openPglite<TSchema extends Record<string, unknown>>(
  options: DatabaseOptions<TSchema>,
  logger: DrizzleLogger | undefined,
): Promise<Omit<DatabaseHandle<TSchema>, 'ready'>> {
  if (!options.dataDir.startsWith('memory://')) mkdirSync(options.dataDir, { recursive: true });
  const client = await PGlite.create(options.dataDir);
  // One connection: statements beyond the first in flight wait for it.
  const tracker = createUsageTracker(options.name, 1);
  const db = drizzlePglite({
    client: trackPgliteClient(client, tracker),
    schema: options.schema,
    casing: 'snake_case',
    ...(logger ? { logger } : {}),
  });
  return {
    db,
    kind: 'pglite',
    usage: tracker.usage,
    async migrate() {
      // PGlite has a single connection in this process, so there is no other migrator to race.
      await migratePglite(db, { migrationsFolder: options.migrationsFolder });
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      await client.close();
    },
  };
}
