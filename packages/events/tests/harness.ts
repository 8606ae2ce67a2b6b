import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createLogger } from '@supergraph/service-kit/logger';
import { createDatabase, type DatabaseHandle } from '@supergraph/service-kit/db';
import { createTestDatabase } from '@supergraph/testing';
import { count, eq } from 'drizzle-orm';
import { createEvent, type AnyEvent } from '../src/catalogue.ts';
import { enqueueEvents } from '../src/outbox.ts';
import * as schema from './fixture/schema.ts';

export type FixtureSchema = typeof schema;
export type FixtureDatabase = DatabaseHandle<FixtureSchema>;
export { schema };

export const logger = createLogger('events-test', process.env['LOG_LEVEL'] ?? 'silent');

/**
 * The fixture database (outbox, inbox, effects): in-memory PGlite, or a fresh PostgreSQL database with
 * TEST_DATABASE_URL (or on the PostgreSQL server `adminUrl` names, whatever the run).
 */
export async function openFixtureDatabase(
  label: string,
  adminUrl?: string,
): Promise<{ database: FixtureDatabase; drop(): Promise<void> }> {
  const testDb = await createTestDatabase(`events_${label}`, adminUrl);
  const database = await createDatabase({
    name: 'events-fixture',
    url: testDb.url,
    dataDir: testDb.dataDir,
    schema,
    migrationsFolder: join(import.meta.dirname, 'fixture/migrations'),
  });
  await database.migrate();
  return {
    database,
    async drop() {
      await database.close();
      await testDb.drop();
    },
  };
}

/** A user.registered event for a fresh random user. */
export const registered = (userId: string = randomUUID()): AnyEvent =>
  createEvent('user.registered', userId, { userId });

/** Commits `events` to the outbox, as a service's mutation would (here with no other change). */
export async function commitEvents(database: FixtureDatabase, events: readonly AnyEvent[]): Promise<void> {
  await database.db.transaction((tx) => enqueueEvents(tx, schema.outbox, events));
}

/** How many times handlers applied `eventId`, and how many inbox rows it has. */
export async function appliedCount(database: FixtureDatabase, eventId: string) {
  const [effects] = await database.db
    .select({ n: count() })
    .from(schema.effects)
    .where(eq(schema.effects.eventId, eventId));
  const [inbox] = await database.db
    .select({ n: count() })
    .from(schema.inbox)
    .where(eq(schema.inbox.eventId, eventId));
  return { effects: effects!.n, inbox: inbox!.n };
}

export async function unpublishedCount(database: FixtureDatabase): Promise<number> {
  const rows = await database.db
    .select({ id: schema.outbox.id, publishedAt: schema.outbox.publishedAt })
    .from(schema.outbox);
  return rows.filter((row) => row.publishedAt === null).length;
}
