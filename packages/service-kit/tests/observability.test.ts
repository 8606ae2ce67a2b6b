import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../src/db/index.ts';
import { createServiceMetrics, instrumentedBatch } from '@supergraph/service-kit/metrics';
import { boundedLabel, operationLabelOf, outcomeLabelOf } from '../src/metrics/labels.ts';
import { loadTracingEnv, otlpTracesUrl, tracingOptionsOf } from '../src/tracing/index.ts';

describe('metric labels', () => {
  it('name anonymous and unidentified operations, and refuse names that are not GraphQL names', () => {
    expect(operationLabelOf('MyOrders')).toBe('MyOrders');
    expect(operationLabelOf(null)).toBe('anonymous');
    expect(operationLabelOf(undefined)).toBe('unknown');
    expect(operationLabelOf('drop table; --')).toBe('invalid');
    expect(operationLabelOf('A'.repeat(65))).toBe('invalid');
    expect(outcomeLabelOf(undefined)).toBe('success');
    expect(outcomeLabelOf('RATE_LIMITED')).toBe('RATE_LIMITED');
    expect(outcomeLabelOf('not a code')).toBe('OTHER');
  });

  it('keep at most a fixed number of distinct values, so clients cannot grow the series without end', () => {
    const label = boundedLabel(2);
    expect(['a', 'b', 'c', 'a', 'd', 'b'].map(label)).toEqual(['a', 'b', 'other', 'a', 'other', 'b']);
  });

  it('cap the operations of a service at 200, the rest counted as "other"', async () => {
    const metrics = createServiceMetrics('svc', { defaultMetrics: false });
    for (let i = 0; i < 250; i++)
      metrics.observeRequest({ operationName: `Op${i}`, errorCode: undefined, seconds: 0.01 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('graphql_requests_total{operation="Op199",outcome="success",service="svc"} 1');
    expect(text).not.toContain('operation="Op200"');
    expect(text).toContain('graphql_requests_total{operation="other",outcome="success",service="svc"} 50');
  });
});

describe('service metrics', () => {
  it('are kept per registry: two services in one process count only their own requests', async () => {
    const users = createServiceMetrics('users', { defaultMetrics: false });
    const orders = createServiceMetrics('orders', { defaultMetrics: false });
    users.observeRequest({ operationName: 'Me', errorCode: undefined, seconds: 0.02 });
    users.observeRequest({ operationName: null, errorCode: 'FORBIDDEN', seconds: 0.03 });
    expect(await users.registry.metrics()).toContain(
      'graphql_requests_total{operation="anonymous",outcome="FORBIDDEN",service="users"} 1',
    );
    expect(await orders.registry.metrics()).not.toContain('operation="Me"');
  });

  it('record the size of every DataLoader batch', async () => {
    const metrics = createServiceMetrics('svc', { defaultMetrics: false });
    const batch = instrumentedBatch(
      'user',
      async (keys: readonly string[]) => keys.map((key) => key.toUpperCase()),
      metrics,
    );
    expect(await batch(['a', 'b', 'c'])).toEqual(['A', 'B', 'C']);
    await batch(['d']);
    const text = await metrics.registry.metrics();
    expect(text).toContain('dataloader_batch_size_count{service="svc",loader="user"} 2');
    expect(text).toContain('dataloader_batch_size_sum{service="svc",loader="user"} 4');
  });
});

describe('database usage', () => {
  // PostgreSQL when the test run has one (the admin database: no tables needed), else embedded PGlite.
  const url = process.env['TEST_DATABASE_URL'];

  it('counts statements in flight and open transactions, and reports each statement when it ends', async () => {
    const database = await createDatabase({
      url,
      dataDir: 'memory://',
      schema: {},
      migrationsFolder: 'unused',
      name: 'usage_test',
      pool: { max: 3, idleTimeoutSeconds: 5, connectTimeoutSeconds: 5, statementTimeoutMs: 5_000 },
    });
    try {
      const { usage } = database;
      expect(usage.poolMax).toBe(url ? 3 : 1);
      const inFlightAtEnd: number[] = [];
      const failures: unknown[] = [];
      usage.onQuery(({ seconds, error }) => {
        expect(seconds).toBeGreaterThanOrEqual(0);
        inFlightAtEnd.push(usage.queriesInFlight);
        if (error) failures.push(error);
      });

      await Promise.all(
        [1, 2, 3].map((n) => database.db.execute(sql`select pg_sleep(0.05), ${n}::int as n`)),
      );
      expect(inFlightAtEnd).toEqual([2, 1, 0]);

      await database.db.transaction(async (tx) => {
        expect(usage.transactionsOpen).toBe(1);
        await tx.execute(sql`select 1`);
      });
      expect(usage.transactionsOpen).toBe(0);

      await expect(database.db.execute(sql`select * from no_such_table`)).rejects.toThrow();
      expect(failures).toHaveLength(1);
      expect(usage.queriesInFlight).toBe(0);
    } finally {
      await database.close();
    }
  });
});

describe('tracing configuration', () => {
  it('is off unless an OTLP endpoint is configured, and sends traces to <endpoint>/v1/traces', () => {
    expect(tracingOptionsOf('users', loadTracingEnv('users', {}))).toEqual({
      serviceName: 'users',
      exporter: undefined,
    });
    const env = loadTracingEnv('users', {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_SERVICE_NAME: 'users-eu',
    });
    expect(tracingOptionsOf('users', env)).toEqual({
      serviceName: 'users-eu',
      exporter: { otlpEndpoint: 'http://collector:4318' },
    });
    expect(otlpTracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl('https://otel.example.com/ingest/')).toBe(
      'https://otel.example.com/ingest/v1/traces',
    );
    expect(() => loadTracingEnv('users', { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
  });
});
