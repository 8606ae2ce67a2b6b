import { EnvError } from '@supergraph/service-kit/env';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env.ts';

const SECRETS = { JWT_SECRET: 'j'.repeat(32), INTERNAL_SECRET: 'i'.repeat(32) };

/** The error `fn` throws (fails the test when it throws none). */
function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('loadEnv', () => {
  it('names both missing secrets in one error', () => {
    const error = errorOf(() => loadEnv({}));

    expect(error).toBeInstanceOf(EnvError);
    expect(error.message).toMatch(/^Invalid configuration for users:/);
    expect(error.message).toContain('JWT_SECRET');
    expect(error.message).toContain('INTERNAL_SECRET');
  });

  it('rejects secrets shorter than 32 characters, naming each', () => {
    const error = errorOf(() => loadEnv({ JWT_SECRET: 'short', INTERNAL_SECRET: 'i'.repeat(31) }));

    expect(error.message).toContain('JWT_SECRET');
    expect(error.message).toContain('INTERNAL_SECRET');
    expect(error.message).toContain('must be at least 32 characters');
  });

  it('rejects a DATABASE_URL that is not postgres://', () => {
    const error = errorOf(() => loadEnv({ ...SECRETS, DATABASE_URL: 'mysql://x' }));

    expect(error).toBeInstanceOf(EnvError);
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).toContain('must be a postgres:// URL; leave unset for the embedded database');
  });

  it.each(['postgres://u@db:5432/users', 'postgresql://u@db/users'])('accepts the DATABASE_URL %s', (url) => {
    expect(loadEnv({ ...SECRETS, DATABASE_URL: url }).DATABASE_URL).toBe(url);
  });

  it('reports every invalid variable at once', () => {
    const error = errorOf(() =>
      loadEnv({
        ...SECRETS,
        PORT: '70000',
        LOG_LEVEL: 'loud',
        ACCESS_TOKEN_TTL_SECONDS: '10',
        SEED_DEMO_DATA: 'yes',
      }),
    );

    for (const name of ['PORT', 'LOG_LEVEL', 'ACCESS_TOKEN_TTL_SECONDS', 'SEED_DEMO_DATA']) {
      expect(error.message).toContain(name);
    }
  });

  it('fills safe defaults when only the secrets are given', () => {
    const env = loadEnv(SECRETS);

    expect(env).toEqual({
      ...SECRETS,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      LOG_FLUSH_MS: 1_000,
      HOST: '127.0.0.1',
      PORT: 4001,
      DATA_DIR: expect.stringMatching(/subgraphs\/users\/\.data\/users$/),
      DATABASE_POOL_SIZE: 10,
      DATABASE_IDLE_TIMEOUT_SECONDS: 30,
      DATABASE_CONNECT_TIMEOUT_SECONDS: 5,
      DATABASE_STATEMENT_TIMEOUT_MS: 10_000,
      ACCESS_TOKEN_TTL_SECONDS: 900,
      CACHE_MAX_AGE_SECONDS: 30,
      SEED_DEMO_DATA: true,
      EVENTS_PREFIX: 'supergraph.',
      OUTBOX_POLL_INTERVAL_MS: 500,
      OUTBOX_BATCH_SIZE: 100,
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.AMQP_URL).toBeUndefined();
  });

  it('parses numbers and the SEED_DEMO_DATA flag from their string form', () => {
    const env = loadEnv({
      ...SECRETS,
      PORT: '0',
      DATABASE_POOL_SIZE: '3',
      ACCESS_TOKEN_TTL_SECONDS: '60',
      SEED_DEMO_DATA: 'false',
    });

    expect({
      port: env.PORT,
      pool: env.DATABASE_POOL_SIZE,
      ttl: env.ACCESS_TOKEN_TTL_SECONDS,
      seed: env.SEED_DEMO_DATA,
    }).toEqual({
      port: 0,
      pool: 3,
      ttl: 60,
      seed: false,
    });
  });

  it('reads only the record it is given, never process.env', () => {
    const saved = process.env['JWT_SECRET'];
    process.env['JWT_SECRET'] = 'p'.repeat(40);
    try {
      expect(errorOf(() => loadEnv({ INTERNAL_SECRET: 'i'.repeat(32) })).message).toContain('JWT_SECRET');
    } finally {
      if (saved === undefined) delete process.env['JWT_SECRET'];
      else process.env['JWT_SECRET'] = saved;
    }
  });
});
