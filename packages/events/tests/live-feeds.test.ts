import { eventually } from '@supergraph/testing';
import { machinePostgresUrl } from '@supergraph/testing/machine-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcastSubscription, type BroadcastSubscription } from '../src/broadcast.ts';
import type { AnyEvent } from '../src/catalogue.ts';
import { enqueueEvents } from '../src/outbox.ts';
import { createOutboxTail } from '../src/outbox-tail.ts';
import { deleteTopology, publishRaw, testAmqpUrl, uniquePrefix } from '../src/testing.ts';
import {
  commitEvents,
  logger,
  openFixtureDatabase,
  registered,
  schema,
  type FixtureDatabase,
} from './harness.ts';

describe('createBroadcastSubscription', () => {
  const url = testAmqpUrl();
  const prefix = uniquePrefix('broadcast');
  const subscriptions: BroadcastSubscription[] = [];
  afterAll(async () => {
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    await deleteTopology(url, prefix, []);
  });

  function subscribe(seen: AnyEvent[], lifecycle: string[]) {
    const subscription = createBroadcastSubscription({
      url,
      prefix,
      name: 'broadcast test',
      logger,
      patterns: ['user.*'],
      onEvent: (event) => seen.push(event),
      onConnect: () => lifecycle.push('connect'),
      onDisconnect: () => lifecycle.push('disconnect'),
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    });
    subscriptions.push(subscription);
    return subscription;
  }

  it('gives every subscriber its own queue and its own copy of each matching event, skipping what is not an event', async () => {
    const first: AnyEvent[] = [];
    const second: AnyEvent[] = [];
    const one = subscribe(first, []);
    const two = subscribe(second, []);
    await one.start();
    await two.start();
    await Promise.all([one.waitForConnect(), two.waitForConnect()]);
    expect(one.queue).not.toEqual(two.queue);

    const event = registered();
    await publishRaw(url, prefix, 'user.registered', 'not json');
    await publishRaw(url, prefix, 'order.placed', JSON.stringify(registered()));
    await publishRaw(url, prefix, event.type, JSON.stringify(event));

    await eventually(() => expect(first.map((e) => e.id)).toEqual([event.id]));
    await eventually(() => expect(second.map((e) => e.id)).toEqual([event.id]));
  });

  it('tells when its connection drops, and binds a new queue when it is back', async () => {
    const seen: AnyEvent[] = [];
    const lifecycle: string[] = [];
    const subscription = subscribe(seen, lifecycle);
    await subscription.start();
    await subscription.waitForConnect();
    const before = subscription.queue;

    await subscription.dropConnection();

    await eventually(() => expect(lifecycle).toEqual(['connect', 'disconnect', 'connect']));
    expect(subscription.connected).toBe(true);
    expect(subscription.queue).not.toEqual(before);
    const event = registered();
    await publishRaw(url, prefix, event.type, JSON.stringify(event));
    await eventually(() => expect(seen.map((e) => e.id)).toEqual([event.id]));
  });
});

// PostgreSQL whatever the run: transactions that commit out of seq order need two connections.
describe('createOutboxTail', () => {
  let fixture: { database: FixtureDatabase; drop(): Promise<void> };
  beforeAll(async () => {
    fixture = await openFixtureDatabase('outbox_tail', machinePostgresUrl());
  });
  afterAll(async () => {
    await fixture?.drop();
  });

  it('delivers events committed after it started, including one whose transaction commits after a later one', async () => {
    const { database } = fixture;
    await commitEvents(database, [registered()]);
    const seen: string[] = [];
    const tail = createOutboxTail({
      database,
      outbox: schema.outbox,
      logger,
      typePrefix: 'user.',
      pollIntervalMs: 20,
      onEvent: (event) => seen.push(event.id),
    });
    await tail.start();
    try {
      await eventually(() => expect(tail.running).toBe(true));
      const slow = registered();
      const fast = registered();
      const rolledBack = registered();
      let commitSlow!: () => void;
      const slowDone = database.db.transaction(async (tx) => {
        await enqueueEvents(tx, schema.outbox, [slow]);
        await new Promise<void>((resolve) => (commitSlow = resolve));
      });
      await eventually(() => expect(commitSlow).toBeDefined());
      await database.db
        .transaction(async (tx) => {
          await enqueueEvents(tx, schema.outbox, [rolledBack]);
          throw new Error('roll back');
        })
        .catch(() => {});
      await commitEvents(database, [fast]);
      await eventually(() => expect(seen).toEqual([fast.id]));

      commitSlow();
      await slowDone;

      await eventually(() => expect(seen).toEqual([fast.id, slow.id]));
    } finally {
      await tail.stop();
    }
  });
});
