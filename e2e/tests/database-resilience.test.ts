import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { dropServiceDatabase, provisionServiceDatabase } from '@supergraph/db-provision';
import { demoUser } from '@supergraph/demo-data';
import { openOrdersDatabase } from '@supergraph/orders/db';
import { loadEnv } from '@supergraph/orders/env';
import { buildOrdersService } from '@supergraph/orders/server';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from '@supergraph/service-kit/auth';
import { listen, type RunningServer } from '@supergraph/service-kit/http';
import { createLogger } from '@supergraph/service-kit/logger';
import { waitForDatabase } from '@supergraph/service-kit/db';
import { graphql } from '@supergraph/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machinePostgresUrl } from '@supergraph/testing/machine-services';

/**
 * The orders service against a real PostgreSQL that is down when it starts and drops mid-run
 * (`ALLOW_CONNECTIONS false` plus `pg_terminate_backend`, which affects only this test's database).
 */
/** PostgreSQL-only: the machine's (TEST_DATABASE_URL or 127.0.0.1:5432), in every run of `npm test`. */
const adminUrl = machinePostgresUrl();
const spec = {
  database: `t${randomBytes(3).toString('hex')}_orders_db`,
  role: `t${randomBytes(3).toString('hex')}_orders_svc`,
  password: randomBytes(12).toString('hex'),
};
const INTERNAL_SECRET = randomBytes(32).toString('hex');
const grace = { userId: demoUser('grace@example.com').id, role: 'CUSTOMER' as const };

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for: ${what}`);
}

describe('a database that is down at start or drops mid-run', () => {
  let admin: postgres.Sql;
  let server: RunningServer;
  let stopService: () => Promise<void>;
  const stopping = new AbortController();
  let migrated: Promise<void>;

  const setAvailable = async (allowed: boolean) => {
    await admin.unsafe(`alter database "${spec.database}" allow_connections ${allowed}`);
    if (!allowed)
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${spec.database}`;
  };
  const ready = async () => (await fetch(`${server.url}/health/ready`)).status;
  const myOrders = async () =>
    graphql<{ orders: { edges: unknown[] } }>(
      `${server.url}/graphql`,
      '{ orders { edges { node { id } } } }',
      {},
      {
        [INTERNAL_TOKEN_HEADER]: await signInternalToken(grace, INTERNAL_SECRET),
      },
    );

  beforeAll(async () => {
    admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    const provisioned = await provisionServiceDatabase(adminUrl, spec);
    await setAvailable(false);
    const env = loadEnv({
      INTERNAL_SECRET,
      DATABASE_URL: provisioned.url,
      DATABASE_CONNECT_TIMEOUT_SECONDS: '2',
      LOG_LEVEL: 'silent',
    });
    const logger = createLogger('orders', 'silent');
    const database = await openOrdersDatabase(env);
    const service = await buildOrdersService({ env, logger, database });
    server = await listen(service.app, 0, '127.0.0.1');
    migrated = waitForDatabase(database, logger, { signal: stopping.signal, maxDelayMs: 500 });
    stopService = async () => {
      stopping.abort();
      await migrated.catch(() => {});
      await server.close(0);
      await service.stop();
      await database.close();
    };
  });
  afterAll(async () => {
    await stopService?.();
    await setAvailable(true).catch(() => {});
    await admin?.end();
    if (adminUrl) await dropServiceDatabase(adminUrl, spec);
  });

  it('starts, listens and reports not ready while the database is down, then becomes ready when it is back', async () => {
    expect(await ready()).toBe(503);
    const response = await myOrders();
    expect(response.body.errors?.map((error) => error.extensions?.['code'])).toEqual(['SERVICE_UNAVAILABLE']);

    await setAvailable(true);
    await migrated;
    await until(async () => (await ready()) === 200, 'readiness 200');
    expect((await myOrders()).body).toEqual({ data: { orders: { edges: [] } } });
  });

  it('answers SERVICE_UNAVAILABLE while the database is gone mid-run, and recovers when it returns', async () => {
    await setAvailable(false);
    const during = await myOrders();
    expect(during.status).toBe(200);
    expect(during.body).toEqual({
      data: null,
      errors: [
        {
          message: 'The service is temporarily unavailable; try again shortly.',
          path: ['orders'],
          extensions: { code: 'SERVICE_UNAVAILABLE' },
        },
      ],
    });
    expect(await ready()).toBe(503);

    await setAvailable(true);
    await until(async () => !(await myOrders()).body.errors, 'orders query to succeed again');
    expect(await ready()).toBe(200);
  });
});
