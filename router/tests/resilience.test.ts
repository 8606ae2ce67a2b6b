import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@supergraph/service-kit/logger';
import { parse } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSubgraphFetcher,
  SubgraphUnavailableError,
  type SubgraphFetcher,
} from '../src/subgraph-fetch.ts';
import { subgraphCall, type SubgraphCall } from '../src/request-scope.ts';
import type { BreakerSettings } from '../src/subgraph-settings.ts';
import { createSubgraphHealth, type SubgraphState } from '../src/subgraph-health.ts';
import { fetchedFieldPaths, subgraphOperation } from '../src/subgraph-operation.ts';
import { startProbe, type Probe, type ProbeAnswer } from './probe.ts';

const logger = createLogger('gateway', 'silent');

describe('subgraph operations', () => {
  it('tells a mutation from a query, including a shorthand query', () => {
    expect(
      subgraphOperation('mutation PlaceOrder($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }')
        .isMutation,
    ).toBe(true);
    expect(subgraphOperation('query Me__users__0 { me { id } }').isMutation).toBe(false);
    expect(subgraphOperation('{ me { id } }').isMutation).toBe(false);
  });

  it('uses the document the query planner already built, and parses each text once', () => {
    const query = 'mutation { cancelOrder(id: "1") { id } }';
    const first = subgraphOperation(query, parse(query));

    expect(first.isMutation).toBe(true);
    expect(subgraphOperation(query)).toBe(first);
  });

  it('finds the paths of the root fields a fetch should answer, by response key', () => {
    const operation = subgraphOperation('query { me { id } mine: order(id: "1") { id } __typename }');

    expect(fetchedFieldPaths(operation, {})).toEqual([['me'], ['mine']]);
  });

  it('finds the paths of each entity field, only those of the entity type, fragments included', () => {
    const operation = subgraphOperation(
      'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { email ...UserOrders } ... on Order { status } } } fragment UserOrders on User { orders { edges { cursor } } }',
    );
    const representations = [
      { __typename: 'User', id: 'u1' },
      { __typename: 'Order', id: 'o1' },
      { __typename: 'User', id: 'u2' },
    ];

    expect(fetchedFieldPaths(operation, { representations })).toEqual([
      ['_entities', 0, 'email'],
      ['_entities', 0, 'orders'],
      ['_entities', 1, 'status'],
      ['_entities', 2, 'email'],
      ['_entities', 2, 'orders'],
    ]);
  });
});

describe('the subgraph fetcher', () => {
  const open: { probe?: Probe; subgraph?: SubgraphFetcher }[] = [];
  afterEach(async () => {
    for (const { probe, subgraph } of open.splice(0)) {
      subgraph?.shutdown();
      await probe?.close();
    }
  });

  /** A fetcher for a probe answering `answers` in turn (the last one from then on), and its breaker's changes. */
  async function setUp(answers: ProbeAnswer[], breaker: Partial<BreakerSettings> = {}, timeoutMs = 1_000) {
    let next = 0;
    const probe = await startProbe(() => answers[Math.min(next++, answers.length - 1)] ?? { json: {} });
    const breakerChanges: boolean[] = [];
    const subgraph = createSubgraphFetcher({
      name: 'orders',
      timeoutMs,
      breaker: { errorThresholdPercent: 50, volumeThreshold: 3, resetMs: 60_000, ...breaker },
      logger,
      onBreakerChange: (isOpen) => breakerChanges.push(isOpen),
    });
    open.push({ probe, subgraph });
    const send = (call: Partial<SubgraphCall> = {}) =>
      subgraphCall.run({ deadline: undefined, idempotent: true, ...call }, () =>
        subgraph.fetcher(probe.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ orders { edges { cursor } } }' }),
        }),
      );
    return { probe, send, breakerChanges };
  }

  const unavailable = (send: Promise<unknown>) =>
    send.then(
      () => expect.unreachable('the fetch should have failed'),
      (error: unknown) => {
        expect(error).toBeInstanceOf(SubgraphUnavailableError);
        return error as SubgraphUnavailableError;
      },
    );

  const DATA = { json: { data: { orders: { edges: [] } } } };

  it('retries an idempotent fetch once after a 503 and returns the second answer', async () => {
    const { probe, send } = await setUp([{ status: 503, json: {} }, DATA]);

    const response = await send();

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(DATA.json);
    expect(probe.hits).toHaveLength(2);
  });

  it('never retries a mutation', async () => {
    const { probe, send } = await setUp([{ status: 503, json: {} }, DATA]);

    const error = await unavailable(send({ idempotent: false }));

    expect(error).toMatchObject({ serviceName: 'orders', reason: 'server-error', status: 503 });
    expect(error.message).toBe('The orders service is unavailable; try again shortly.');
    expect(probe.hits).toHaveLength(1);
  });

  it('does not retry a 500, which is no transient failure', async () => {
    const { probe, send } = await setUp([{ status: 500, json: {} }, DATA]);

    expect(await unavailable(send())).toMatchObject({ reason: 'server-error', status: 500 });
    expect(probe.hits).toHaveLength(1);
  });

  it('retries a fetch that timed out, once', async () => {
    const { probe, send } = await setUp(['hang'], {}, 100);

    expect(await unavailable(send())).toMatchObject({ reason: 'timeout' });
    expect(probe.hits).toHaveLength(2);
  });

  it('passes a 4xx answer on for the data source to read, and does not count it as a failure', async () => {
    const { probe, send, breakerChanges } = await setUp([{ status: 401, json: { errors: [] } }]);

    for (let i = 0; i < 5; i += 1) expect((await send()).status).toBe(401);

    expect(probe.hits).toHaveLength(5);
    expect(breakerChanges).toEqual([]);
  });

  it('does not count GraphQL errors in a 200 as failures', async () => {
    const { probe, send, breakerChanges } = await setUp([
      { json: { data: null, errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] } },
    ]);

    for (let i = 0; i < 6; i += 1) expect((await send()).status).toBe(200);

    expect(probe.hits).toHaveLength(6);
    expect(breakerChanges).toEqual([]);
  });

  it('opens after enough failures and then fails fast without contacting the subgraph', async () => {
    const { probe, send, breakerChanges } = await setUp([{ status: 503, json: {} }]);

    for (let i = 0; i < 3; i += 1) await unavailable(send({ idempotent: false }));
    expect(breakerChanges).toEqual([true]);
    const hits = probe.hits.length;

    for (let i = 0; i < 3; i += 1)
      expect(await unavailable(send())).toMatchObject({ reason: 'breaker-open' });
    expect(probe.hits).toHaveLength(hits);
  });

  it('half-opens after the reset period and closes when the probe fetch succeeds', async () => {
    const { send, breakerChanges } = await setUp(
      [{ status: 503, json: {} }, { status: 503, json: {} }, { status: 503, json: {} }, DATA],
      { resetMs: 200 },
    );
    for (let i = 0; i < 3; i += 1) await unavailable(send({ idempotent: false }));

    await sleep(300);
    const response = await send();

    expect(response.status).toBe(200);
    expect(breakerChanges).toEqual([true, false, false]);
  });

  it('closes an open breaker when told the subgraph is ready, without waiting for the reset period', async () => {
    const { probe, send, breakerChanges } = await setUp([
      { status: 503, json: {} },
      { status: 503, json: {} },
      { status: 503, json: {} },
      DATA,
    ]);
    for (let i = 0; i < 3; i += 1) await unavailable(send({ idempotent: false }));
    expect(await unavailable(send())).toMatchObject({ reason: 'breaker-open' });
    const { subgraph } = open.at(-1)!;

    subgraph!.closeBreaker();
    const response = await send();

    expect(response.status).toBe(200);
    expect(probe.hits).toHaveLength(4);
    expect(breakerChanges).toEqual([true, false]);
  });

  it('does not retry, nor count against the subgraph, a fetch cut by the request deadline', async () => {
    const { probe, send, breakerChanges } = await setUp(['hang'], { volumeThreshold: 1 }, 10_000);

    for (let i = 0; i < 3; i += 1) {
      expect(await unavailable(send({ deadline: AbortSignal.timeout(50) }))).toMatchObject({
        reason: 'deadline',
      });
    }
    expect(await unavailable(send({ deadline: AbortSignal.abort() }))).toMatchObject({ reason: 'deadline' });

    expect(probe.hits).toHaveLength(3);
    expect(breakerChanges).toEqual([]);
  });
});

describe('subgraph health', () => {
  it('asks each subgraph /health/ready at its origin, combines it with the breaker, and reports changes', async () => {
    let answer: ProbeAnswer = { json: { status: 'ready' } };
    const probe = await startProbe(() => answer);
    try {
      const health = createSubgraphHealth({ urls: { users: probe.url }, logger, maxAgeMs: 0 });
      const changes: [string, SubgraphState, SubgraphState][] = [];
      health.onChange((...change) => changes.push(change));

      expect(health.state('users')).toBe('down');
      expect(await health.check()).toEqual({ users: 'up' });
      expect(probe.hits.map((hit) => hit.url)).toEqual(['/health/ready']);
      health.setBreakerOpen('users', true);
      expect(await health.check()).toEqual({ users: 'open' });
      health.setBreakerOpen('users', false);
      answer = { status: 503, json: { status: 'unavailable' } };
      expect(await health.check()).toEqual({ users: 'down' });

      expect(changes).toEqual([
        ['users', 'up', 'down'],
        ['users', 'open', 'up'],
        ['users', 'up', 'open'],
        ['users', 'down', 'up'],
      ]);
    } finally {
      await probe.close();
    }
  });

  it('while a breaker is open, asks the subgraph every recovery period and reports its first 200 once; a dead one stays open', async () => {
    let answer: ProbeAnswer = { status: 503, json: { status: 'unavailable' } };
    const probe = await startProbe(() => answer);
    const health = createSubgraphHealth({ urls: { orders: probe.url }, logger, recoveryProbeMs: 50 });
    try {
      let readyCalls = 0;
      health.setBreakerOpen('orders', true, () => {
        readyCalls += 1;
        health.setBreakerOpen('orders', false);
      });

      await expect.poll(() => probe.hits.length, { timeout: 5_000, interval: 20 }).toBeGreaterThanOrEqual(3);
      expect(readyCalls).toBe(0);
      expect(health.state('orders')).toBe('open');
      answer = { json: { status: 'ready' } };
      await expect.poll(() => readyCalls, { timeout: 5_000, interval: 20 }).toBe(1);
      expect(health.state('orders')).toBe('up');

      const hits = probe.hits.length;
      await sleep(200);
      expect(probe.hits).toHaveLength(hits);
      expect(probe.hits.every((hit) => hit.url === '/health/ready')).toBe(true);
    } finally {
      health.stop();
      await probe.close();
    }
  });

  it('closes an open breaker from a gateway readiness check that finds the subgraph ready, and stops probing on stop()', async () => {
    const probe = await startProbe(() => ({ json: { status: 'ready' } }));
    const health = createSubgraphHealth({
      urls: { orders: probe.url },
      logger,
      maxAgeMs: 0,
      recoveryProbeMs: 60_000,
    });
    try {
      let readyCalls = 0;
      health.setBreakerOpen('orders', true, () => (readyCalls += 1));

      await health.check();
      expect(readyCalls).toBe(1);

      health.stop();
      await health.check();
      expect(readyCalls).toBe(1);
    } finally {
      await probe.close();
    }
  });

  it('asks a subgraph at most once per cache period, however many readiness checks arrive', async () => {
    const probe = await startProbe(() => ({ json: { status: 'ready' } }));
    try {
      const health = createSubgraphHealth({ urls: { orders: probe.url }, logger, maxAgeMs: 60_000 });

      await Promise.all([health.check(), health.check()]);
      await health.check();

      expect(probe.hits).toHaveLength(1);
    } finally {
      await probe.close();
    }
  });

  it('reports a subgraph that does not answer as down, within the probe timeout', async () => {
    const probe = await startProbe(() => 'hang');
    try {
      const health = createSubgraphHealth({ urls: { orders: probe.url }, logger, probeTimeoutMs: 100 });

      expect(await health.check()).toEqual({ orders: 'down' });
    } finally {
      await probe.close();
    }
  });

  it('asks a subgraph without /health/ready for { __typename } instead, and asks for the endpoint again each time', async () => {
    let readyAnswer: ProbeAnswer = { status: 404, json: { error: 'not found' } };
    let typenameAnswer: ProbeAnswer = { json: { data: { __typename: 'Query' } } };
    const probe = await startProbe((hit) => (hit.url === '/health/ready' ? readyAnswer : typenameAnswer));
    try {
      const health = createSubgraphHealth({ urls: { reviews: probe.url }, logger, maxAgeMs: 0 });

      expect(await health.check()).toEqual({ reviews: 'up' });
      typenameAnswer = { status: 503, json: {} };
      expect(await health.check()).toEqual({ reviews: 'down' });
      typenameAnswer = { json: { errors: [{ message: 'no' }] } };
      expect(await health.check()).toEqual({ reviews: 'down' });
      // A GraphQL server that refuses the GET (400) has no such endpoint either.
      readyAnswer = { status: 400, json: { errors: [{ message: 'GET query missing' }] } };
      typenameAnswer = { json: { data: { __typename: 'Query' } } };
      expect(await health.check()).toEqual({ reviews: 'up' });
      // One odd answer never marks the endpoint as missing for good: once it answers, it alone decides.
      readyAnswer = { status: 503, json: { status: 'not ready' } };
      expect(await health.check()).toEqual({ reviews: 'down' });
      readyAnswer = { json: { status: 'ready' } };
      expect(await health.check()).toEqual({ reviews: 'up' });

      expect(probe.hits.map((hit) => [hit.url, hit.body.query])).toEqual([
        ['/health/ready', undefined],
        ['/graphql', '{ __typename }'],
        ['/health/ready', undefined],
        ['/graphql', '{ __typename }'],
        ['/health/ready', undefined],
        ['/graphql', '{ __typename }'],
        ['/health/ready', undefined],
        ['/graphql', '{ __typename }'],
        ['/health/ready', undefined],
        ['/health/ready', undefined],
      ]);
    } finally {
      await probe.close();
    }
  });

  it('reads an answer that says nothing of the endpoint (401, 429) as not ready, without the { __typename } probe', async () => {
    let readyAnswer: ProbeAnswer = { status: 429, json: {} };
    const probe = await startProbe((hit) =>
      hit.url === '/health/ready' ? readyAnswer : { json: { data: { __typename: 'Query' } } },
    );
    try {
      const health = createSubgraphHealth({ urls: { users: probe.url }, logger, maxAgeMs: 0 });
      expect(await health.check()).toEqual({ users: 'down' });
      readyAnswer = { status: 401, json: {} };
      expect(await health.check()).toEqual({ users: 'down' });
      expect(probe.hits.map((hit) => hit.url)).toEqual(['/health/ready', '/health/ready']);
    } finally {
      await probe.close();
    }
  });

  it('follows subgraphs added and removed while it runs, ignoring the breaker of one it forgot', async () => {
    const probe = await startProbe(() => ({ json: { status: 'ready' } }));
    try {
      const health = createSubgraphHealth({ urls: { users: probe.url }, logger, maxAgeMs: 0 });

      health.track('inventory', probe.url);
      expect(await health.check()).toEqual({ users: 'up', inventory: 'up' });
      health.forget('users');
      health.setBreakerOpen('users', true);

      expect(health.names).toEqual(['inventory']);
      expect(await health.check()).toEqual({ inventory: 'up' });
    } finally {
      await probe.close();
    }
  });
});
