import { eventually } from '@supergraph/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, type AnyEvent } from '../src/catalogue.ts';
import { createEventConsumer, type EventConsumer, type EventHandlers } from '../src/consumer.ts';
import { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from '../src/relay.ts';
import { deleteTopology, publishRaw, takeAll, testAmqpUrl, uniquePrefix } from '../src/testing.ts';
import {
  appliedCount,
  commitEvents,
  logger,
  openFixtureDatabase,
  registered,
  schema,
  unpublishedCount,
  type FixtureDatabase,
  type FixtureSchema,
} from './harness.ts';
import { machinePostgresUrl } from '@supergraph/testing/machine-services';

/**
 * The machinery end to end against a real RabbitMQ: outbox → relay → broker → consumer → inbox, with the
 * failures it exists for. One consumer serves the whole file; each test uses fresh events and counts their
 * effects, so the tests do not see each other's.
 */
const url = testAmqpUrl();
const prefix = uniquePrefix('delivery');
const CONSUMER = 'fixture';
/** A user.deleted event about this user makes the handler fail, every time. */
const POISON_USER = '0badc0de-0000-4000-8000-000000000000';
const MAX_ATTEMPTS = 3;

const handlers: EventHandlers<FixtureSchema> = {
  'user.registered': async (event, tx) => {
    await tx.insert(schema.effects).values({ eventId: event.id, type: event.type });
  },
  'user.deleted': async (event, tx) => {
    if (event.payload.userId === POISON_USER) throw new Error('this event cannot be handled');
    await tx.insert(schema.effects).values({ eventId: event.id, type: event.type });
  },
};

let database: FixtureDatabase;
let drop: () => Promise<void>;
let consumer: EventConsumer;
const relays: OutboxRelay[] = [];

function relay(overrides: Partial<OutboxRelayOptions<FixtureSchema>> = {}): OutboxRelay {
  const created = createOutboxRelay({
    url,
    prefix,
    service: 'fixture',
    logger,
    database,
    outbox: schema.outbox,
    pollIntervalMs: 20,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    ...overrides,
  });
  relays.push(created);
  return created;
}

/** A relay that never polls on its own: the test drives it with publishPending(). */
const manualRelay = (overrides: Partial<OutboxRelayOptions<FixtureSchema>> = {}) =>
  relay({ pollIntervalMs: 60_000, ...overrides });

beforeAll(async () => {
  ({ database, drop } = await openFixtureDatabase('delivery'));
  consumer = createEventConsumer({
    url,
    prefix,
    name: CONSUMER,
    logger,
    database,
    inbox: schema.inbox,
    handlers,
    maxAttempts: MAX_ATTEMPTS,
    retryDelayMs: 20,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
  });
  await consumer.start();
  await consumer.waitForConnect();
});

afterEach(async () => {
  for (const created of relays.splice(0)) await created.stop();
});

afterAll(async () => {
  await consumer?.stop();
  await deleteTopology(url, prefix, [CONSUMER]);
  await drop?.();
});

const crash = () => {
  throw new Error('simulated crash');
};

describe('outbox → relay → RabbitMQ → consumer → inbox', () => {
  it('delivers a committed event and the consumer applies it once, recording it in the inbox', async () => {
    const event = registered();
    await commitEvents(database, [event]);
    const running = relay();
    await running.start();

    await eventually(async () =>
      expect(await appliedCount(database, event.id)).toEqual({ effects: 1, inbox: 1 }),
    );
    await eventually(async () => expect(await unpublishedCount(database)).toBe(0));
  });

  it('loses nothing when the relay dies after reading the rows and before publishing: the next relay delivers once', async () => {
    const event = registered();
    await commitEvents(database, [event]);

    const dying = manualRelay({ faults: { afterRead: crash } });
    await dying.start();
    await dying.waitForConnect();
    await expect(dying.publishPending()).rejects.toThrow('simulated crash');
    await dying.stop();
    expect(await unpublishedCount(database)).toBe(1);
    expect(await appliedCount(database, event.id)).toEqual({ effects: 0, inbox: 0 });

    const next = manualRelay();
    await next.start();
    await next.waitForConnect();
    expect(await next.publishPending()).toBe(1);

    await eventually(async () =>
      expect(await appliedCount(database, event.id)).toEqual({ effects: 1, inbox: 1 }),
    );
    expect(await unpublishedCount(database)).toBe(0);
  });

  it('applies the event once when the relay dies after the broker confirmed and before marking the row: it is published twice', async () => {
    const event = registered();
    await commitEvents(database, [event]);
    const duplicatesBefore = consumer.stats.duplicates;

    const dying = manualRelay({ faults: { afterPublish: crash } });
    await dying.start();
    await dying.waitForConnect();
    await expect(dying.publishPending()).rejects.toThrow('simulated crash');
    await dying.stop();
    // The broker had it: the consumer applied it, but the row still waits.
    await eventually(async () =>
      expect(await appliedCount(database, event.id)).toEqual({ effects: 1, inbox: 1 }),
    );
    expect(await unpublishedCount(database)).toBe(1);

    const next = manualRelay();
    await next.start();
    await next.waitForConnect();
    expect(await next.publishPending()).toBe(1);

    await eventually(() => expect(consumer.stats.duplicates).toBe(duplicatesBefore + 1));
    expect(await appliedCount(database, event.id)).toEqual({ effects: 1, inbox: 1 });
    expect(await unpublishedCount(database)).toBe(0);
  });

  it('changes nothing when the same event is delivered twice', async () => {
    const event = registered();
    const duplicatesBefore = consumer.stats.duplicates;
    await publishRaw(url, prefix, event.type, JSON.stringify(event), { messageId: event.id });
    await publishRaw(url, prefix, event.type, JSON.stringify(event), { messageId: event.id });

    await eventually(() => expect(consumer.stats.duplicates).toBe(duplicatesBefore + 1));
    expect(await appliedCount(database, event.id)).toEqual({ effects: 1, inbox: 1 });
  });

  it('loses nothing when the broker connections drop mid-stream: relay and consumer reconnect, every event applied once', async () => {
    const running = relay();
    await running.start();
    await running.waitForConnect();
    const events: AnyEvent[] = [];
    for (let index = 0; index < 30; index++) {
      const event = registered();
      events.push(event);
      await commitEvents(database, [event]);
      if (index === 10) await running.dropConnection();
      if (index === 20) await consumer.dropConnection();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    await eventually(
      async () => {
        for (const event of events)
          expect(await appliedCount(database, event.id)).toEqual({ effects: 1, inbox: 1 });
      },
      { timeoutMs: 20_000 },
    );
    expect(await unpublishedCount(database)).toBe(0);
    await consumer.waitForConnect();
  });

  it(`dead-letters a message that fails ${MAX_ATTEMPTS} times, logs and counts it, and keeps consuming the others`, async () => {
    const { deadLettered, retried } = consumer.stats;
    const poison = createEvent('user.deleted', POISON_USER, { userId: POISON_USER });
    const healthy = registered();
    await commitEvents(database, [poison, healthy]);
    const running = relay();
    await running.start();

    await eventually(async () =>
      expect(await appliedCount(database, healthy.id)).toEqual({ effects: 1, inbox: 1 }),
    );
    await eventually(() => expect(consumer.stats.deadLettered).toBe(deadLettered + 1));
    expect(consumer.stats.retried).toBe(retried + MAX_ATTEMPTS - 1);
    // Its transaction never committed: no effect, no inbox row, so a replay from the dead-letter queue would apply it.
    expect(await appliedCount(database, poison.id)).toEqual({ effects: 0, inbox: 0 });

    const dead = await takeAll(url, consumer.queues.deadLetter);
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]!.body)).toEqual(poison);
    expect(dead[0]!.headers).toMatchObject({
      'x-attempts': MAX_ATTEMPTS,
      'x-last-error': 'this event cannot be handled',
    });
  });

  it('dead-letters a message that is not a catalogued event at once, without retrying', async () => {
    const { deadLettered, retried } = consumer.stats;
    await publishRaw(url, prefix, 'user.registered', '{ this is not json');
    const unknownVersion = { ...registered(), version: 99 };
    await publishRaw(url, prefix, 'user.registered', JSON.stringify(unknownVersion));

    await eventually(() => expect(consumer.stats.deadLettered).toBe(deadLettered + 2));
    expect(consumer.stats.retried).toBe(retried);
    const dead = await takeAll(url, consumer.queues.deadLetter);
    expect(dead.map((message) => message.headers['x-last-error'])).toEqual([
      expect.stringContaining('JSON'),
      expect.stringContaining('version 99 is unknown'),
    ]);
    expect(await appliedCount(database, unknownVersion.id)).toEqual({ effects: 0, inbox: 0 });
  });

  it('lets several relays share one PostgreSQL outbox without publishing any row twice (FOR UPDATE SKIP LOCKED)', async () => {
    // PostgreSQL whatever the run: PGlite is one process and has no row locks to skip.
    const shared = await openFixtureDatabase('skip_locked', machinePostgresUrl());
    try {
      const { processed, duplicates } = consumer.stats;
      const events = Array.from({ length: 200 }, () => registered());
      await commitEvents(shared.database, events);
      const replicas = [1, 2, 3].map(() => relay({ batchSize: 10, database: shared.database }));
      await Promise.all(replicas.map((replica) => replica.start()));

      await eventually(() => expect(consumer.stats.processed).toBe(processed + events.length), {
        timeoutMs: 20_000,
      });
      expect(consumer.stats.duplicates).toBe(duplicates);
      // A relay marks its batch published after the broker confirmed it, which may be after the consumer applied it.
      await eventually(async () => expect(await unpublishedCount(shared.database)).toBe(0));
      // Every replica took a share.
      expect(replicas.every((replica) => replica.stats.published > 0)).toBe(true);
      await Promise.all(replicas.map((replica) => replica.stop()));
    } finally {
      await shared.drop();
    }
  });
});
