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
  poolSize?: number;
  onQuery?: (sql: string) => void;
}

export interface DatabaseHandle<TSchema extends Record<string, unknown>> {
  db: Database<TSchema>;
  kind: 'postgres' | 'pglite';
  /** Applies committed drizzle-kit migrations; safe to call from several replicas at once. */
  migrate(): Promise<void>;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function createDatabase<TSchema extends Record<string, unknown>>(
  options: DatabaseOptions<TSchema>,
): Promise<DatabaseHandle<TSchema>> {
  const logger: DrizzleLogger | undefined = options.onQuery
    ? { logQuery: (query) => options.onQuery?.(query) }
    : undefined;
  return options.url ? openPostgres(options.url, options, logger) : openPglite(options, logger);
}

function openPostgres<TSchema extends Record<string, unknown>>(
  url: string,
  options: DatabaseOptions<TSchema>,
  logger: DrizzleLogger | undefined,
): DatabaseHandle<TSchema> {
  const client = postgres(url, { max: options.poolSize ?? 10, onnotice: () => {}, idle_timeout: 30 });
  const db = drizzlePostgres({ client, schema: options.schema, casing: 'snake_case', ...(logger ? { logger } : {}) });
  return {
    db,
    kind: 'postgres',
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
): Promise<DatabaseHandle<TSchema>> {
  if (!options.dataDir.startsWith('memory://')) mkdirSync(options.dataDir, { recursive: true });
  const client = await PGlite.create(options.dataDir);
  const db = drizzlePglite({ client, schema: options.schema, casing: 'snake_case', ...(logger ? { logger } : {}) });
  return {
    db,
    kind: 'pglite',
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
