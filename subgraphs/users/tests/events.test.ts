import { createLogger } from '@supergraph/service-kit/logger';
import { declareProbe, deleteTopology, takeAll, testAmqpUrl, uniquePrefix } from '@supergraph/events/testing';
import { eventually } from '@supergraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsersEvents } from '../src/events/index.ts';
import { startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { usersSubgraph } from '../src/subgraph.ts';
import { SignUpUserIdDocument } from './generated/operations.ts';

const url = testAmqpUrl();
const prefix = uniquePrefix('users');
const logger = createLogger('users', 'silent');

let h: Started<typeof usersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(usersSubgraph, 'events');
});
afterAll(async () => {
  await h?.close();
  await deleteTopology(url, prefix, ['probe']);
});

const signUp = async (email: string) => {
  const res = await h.call(SignUpUserIdDocument, {
    input: { email, name: 'Event Source', password: 'long enough password' },
  });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.signUp.user.id;
};

describe('the users service’s events', () => {
  it('are off without AMQP_URL: nothing connects, and the service keeps writing them to the outbox', async () => {
    const events = createUsersEvents({ env: h.env, logger, database: h.database });
    expect(events.enabled).toBe(false);
    await events.start();
    await events.stop();
  });

  it('are published to the events exchange by the relay started from the service’s env, with the event type as routing key', async () => {
    const probe = await declareProbe(url, prefix, 'probe', ['user.*']);
    // Signed up while events were off: waiting in the outbox, published once a broker is configured.
    const earlier = await signUp('before-the-broker@example.com');
    const events = createUsersEvents({
      env: { ...h.env, AMQP_URL: url, EVENTS_PREFIX: prefix, OUTBOX_POLL_INTERVAL_MS: 20 },
      logger,
      database: h.database,
    });
    await events.start();
    try {
      const later = await signUp('after-the-broker@example.com');

      const received: Awaited<ReturnType<typeof takeAll>> = [];
      await eventually(async () => {
        received.push(...(await takeAll(url, probe)));
        expect(received).toHaveLength(2);
      });
      expect(received.map((message) => JSON.parse(message.body))).toEqual([
        expect.objectContaining({
          type: 'user.registered',
          aggregateId: earlier,
          payload: { userId: earlier },
        }),
        expect.objectContaining({ type: 'user.registered', aggregateId: later, payload: { userId: later } }),
      ]);
    } finally {
      await events.stop();
    }
  });
});
