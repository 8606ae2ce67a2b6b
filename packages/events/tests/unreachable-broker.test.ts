import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createServiceEvents } from '../src/service.ts';
import {
  commitEvents,
  logger,
  openFixtureDatabase,
  registered,
  schema,
  unpublishedCount,
} from './harness.ts';

/** A port on which nothing listens: the broker is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const env = (url?: string) => ({
  ...(url ? { AMQP_URL: url } : {}),
  EVENTS_PREFIX: 'test.unreachable.',
  OUTBOX_POLL_INTERVAL_MS: 20,
  OUTBOX_BATCH_SIZE: 100,
});

describe('a service whose broker is missing', () => {
  it('starts and stops at once when the broker is down, keeping its events in the outbox', async () => {
    const { database, drop } = await openFixtureDatabase('unreachable');
    try {
      await commitEvents(database, [registered()]);
      const events = createServiceEvents({
        service: 'fixture',
        env: env(`amqp://guest:guest@127.0.0.1:${await closedPort()}`),
        logger,
        database,
        outbox: schema.outbox,
        consumer: { inbox: schema.inbox, handlers: {} },
      });

      // start() and stop() return without waiting for the broker (the test's own timeout bounds them).
      await events.start();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await expect(events.relay!.publishPending()).rejects.toThrow('not connected to the broker');
      await events.stop();

      expect(await unpublishedCount(database)).toBe(1);
    } finally {
      await drop();
    }
  });

  it('turns events off when AMQP_URL is unset: nothing connects', async () => {
    const { database, drop } = await openFixtureDatabase('events_off');
    try {
      const events = createServiceEvents({
        service: 'fixture',
        env: env(),
        logger,
        database,
        outbox: schema.outbox,
      });
      expect(events).toMatchObject({ enabled: false, relay: null, consumer: null });
      await events.start();
      await events.stop();
    } finally {
      await drop();
    }
  });
});
