import { describe, expect, it } from 'vitest';
import { detectLocalServices, LOCAL_BROKER_URL } from '../../scripts/start/local-services.ts';
import { createPrettyFormatter } from '../../scripts/start/pretty-log.ts';

/** The pieces of `npm start` that decide what a newcomer sees: which local services it uses, and its log lines. */
describe('npm start: local services', () => {
  const nothingAnswers = { broker: async () => 'unreachable' as const, redis: async () => false };
  const everythingAnswers = { broker: async () => 'accepted' as const, redis: async () => true };

  it('uses the local RabbitMQ and Redis when they answer', async () => {
    const found = await detectLocalServices({}, everythingAnswers);
    expect(found.amqpUrl).toBe('amqp://guest:guest@127.0.0.1:5672');
    expect(found.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(found.banner).toEqual([
      'events: RabbitMQ at amqp://guest:***@127.0.0.1:5672',
      'rate limits: counted in Redis at redis://127.0.0.1:6379',
    ]);
  });

  it('says in one line each what waits, and the command that starts it, when nothing answers', async () => {
    const found = await detectLocalServices({}, nothingAnswers);
    expect(found.amqpUrl).toBeUndefined();
    expect(found.redisUrl).toBeUndefined();
    expect(found.banner).toEqual([
      'events: no broker at 127.0.0.1:5672, so cross-service events (deleteMe cancelling orders) wait in the outbox; start one with `docker compose up -d rabbitmq`',
      'rate limits: no Redis at 127.0.0.1:6379, so each process counts on its own; start one with `docker compose up -d redis`',
    ]);
  });

  it('keeps URLs given in the environment, probing only the broker, and never prints their passwords', async () => {
    const probed: string[] = [];
    const found = await detectLocalServices(
      { AMQP_URL: 'amqps://app:s3cret@broker.internal:5671/prod', REDIS_URL: 'redis://:hunter2@cache:6380' },
      {
        broker: async (url) => (probed.push(url), 'accepted'),
        redis: async () => expect.fail('probed Redis although REDIS_URL was given'),
      },
    );
    expect(probed).toEqual(['amqps://app:s3cret@broker.internal:5671/prod']);
    expect(found.amqpUrl).toBe('amqps://app:s3cret@broker.internal:5671/prod');
    expect(found.redisUrl).toBe('redis://:hunter2@cache:6380');
    expect(found.banner.join('\n')).not.toMatch(/s3cret|hunter2/);
  });
});

/** Against the machine's real RabbitMQ (CI and this workplace run one on 127.0.0.1:5672 with guest/guest). */
describe("npm start: the broker's banner line, from a real AMQP handshake", () => {
  it('uses the local broker when it accepts guest/guest', async () => {
    const found = await detectLocalServices({});
    expect(found.amqpUrl).toBe(LOCAL_BROKER_URL);
    expect(found.banner[0]).toBe('events: RabbitMQ at amqp://guest:***@127.0.0.1:5672');
  });

  it('says when the broker of AMQP_URL refuses its password, instead of claiming to use it', async () => {
    const given = 'amqp://guest:wrong@127.0.0.1:5672';
    const found = await detectLocalServices({ AMQP_URL: given });
    expect(found.amqpUrl).toBe(given);
    expect(found.banner[0]).toBe(
      "events: the broker at amqp://guest:***@127.0.0.1:5672 refused AMQP_URL's user or password, so events wait in the outbox; fix AMQP_URL",
    );
  });

  it('says when nothing answers at AMQP_URL yet', async () => {
    const found = await detectLocalServices({ AMQP_URL: 'amqp://guest:guest@127.0.0.1:1' });
    expect(found.banner[0]).toBe(
      'events: nothing answers at amqp://guest:***@127.0.0.1:1 yet, so events wait in the outbox until the broker does',
    );
  });
});

describe('npm start: log lines on a terminal', () => {
  const format = createPrettyFormatter({ color: false });
  const at = new Date(2026, 11, 7, 9, 5, 7).getTime();

  it('shows a request as method, operation, status, duration and request id on one line', () => {
    const line = JSON.stringify({
      level: 30,
      time: at,
      service: 'gateway',
      msg: 'request',
      requestId: 'r-1',
      method: 'POST',
      status: 200,
      operationName: 'MyOrders',
      outcome: 'success',
      durationMs: 12.345,
      callerId: 'u-1',
    });
    expect(format('gateway', line)).toBe('09:05:07 gateway POST MyOrders 200 12.3 ms req r-1');
  });

  it('names the error code of a failed request', () => {
    const line = JSON.stringify({
      level: 30,
      time: at,
      msg: 'request',
      requestId: 'r-2',
      method: 'POST',
      status: 400,
      operationName: 'anonymous',
      outcome: 'GRAPHQL_VALIDATION_FAILED',
      durationMs: 1,
    });
    expect(format('gateway', line)).toBe(
      '09:05:07 gateway POST anonymous 400 GRAPHQL_VALIDATION_FAILED 1.0 ms req r-2',
    );
  });

  it('marks warnings and shows an error with its message and stack, in colour on a terminal', () => {
    const warning = JSON.stringify({
      level: 40,
      time: at,
      msg: 'broker connection lost; reconnecting',
      broker: 'users',
    });
    expect(format('users', warning)).toBe(
      '09:05:07 users   WARN broker connection lost; reconnecting broker=users',
    );

    const error = JSON.stringify({
      level: 50,
      time: at,
      msg: 'unexpected error',
      requestId: 'r-3',
      err: { type: 'TypeError', message: 'boom', stack: 'TypeError: boom\n    at resolve (orders.ts:1:1)' },
    });
    expect(format('orders', error)).toBe(
      '09:05:07 orders  ERROR unexpected error: boom req r-3\n    at resolve (orders.ts:1:1)',
    );
    const coloured = createPrettyFormatter({ color: true })('orders', error);
    expect(coloured).toContain('\x1b[31m');
  });

  it('passes lines that are not JSON through as they came', () => {
    expect(format('orders', 'node:internal/modules/run_main:123')).toMatch(
      /^\d\d:\d\d:\d\d orders {2}node:internal\/modules\/run_main:123$/,
    );
  });
});
