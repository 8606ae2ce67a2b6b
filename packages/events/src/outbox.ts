import type { Database } from '@supergraph/service-kit/db';
import type { AnyEvent } from './catalogue.ts';
import type { OutboxTable } from './tables.ts';

/**
 * Writes events into the outbox. Call it with the transaction that makes the change the events describe:
 * they commit together or not at all, and the relay publishes them afterwards (at least once).
 */
export async function enqueueEvents<TSchema extends Record<string, unknown>>(
  tx: Database<TSchema>,
  outbox: OutboxTable,
  events: readonly AnyEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await tx
    .insert(outbox)
    .values(
      events.map((event) => ({ id: event.id, type: event.type, aggregateId: event.aggregateId, event })),
    );
}
