import { join } from 'node:path';
import { z } from 'zod';
import { tracingEnv } from './tracing/env.ts';

/** Raised when configuration is invalid; lists every bad variable at once so one restart fixes them all. */
export class EnvError extends Error {
  constructor(service: string, issues: string) {
    super(`Invalid configuration for ${service}:\n${issues}`);
    this.name = 'EnvError';
  }
}

/** Parses a flat environment record with a zod schema, reporting every invalid variable together. */
export function parseEnv<TSchema extends z.ZodType>(
  service: string,
  schema: TSchema,
  source: Record<string, string | undefined>,
): z.infer<TSchema> {
  // `VAR=` in a compose file or shell means "not set": treat empty strings as absent, so defaults apply.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const result = schema.safeParse(present);
  if (!result.success) throw new EnvError(service, z.prettifyError(result.error));
  return result.data;
}

/** How often, at the latest, a buffered log line reaches stdout (logger.ts) unless LOG_FLUSH_MS says otherwise. */
export const DEFAULT_LOG_FLUSH_MS = 1_000;

/** Variables every service reads, with defaults that make `npm start` work on a fresh machine. */
export const commonEnv = {
  NODE_ENV: z
    .enum(['development', 'test', 'production'])
    .default('development')
    .describe(
      '`production` turns off introspection, Sandbox, error details and demo data; `development` is `npm start`.',
    ),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Lowest level of the JSON log lines written to stdout.'),
  LOG_FLUSH_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(60_000)
    .default(DEFAULT_LOG_FLUSH_MS)
    .describe(
      'Log lines are written to stdout in batches of about 4 KiB, and at least this often (ms); 0 writes each line at once, one system call per line.',
    ),
  HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe('Interface to listen on: `0.0.0.0` in a container, loopback on a developer machine.'),
  /** OTEL_EXPORTER_OTLP_ENDPOINT (unset → tracing off) and OTEL_SERVICE_NAME; read first by src/tracing.ts. */
  ...tracingEnv,
};

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** An HMAC secret: long enough to resist brute force. Never defaulted: `npm start` generates one per run. */
export const secret = z
  .string()
  .min(32, 'must be at least 32 characters (generate one with `openssl rand -hex 32`)');

/** Database URL: a postgres:// URL selects PostgreSQL; unset selects the embedded PGlite database. */
export const databaseUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL; leave unset for the embedded database')
  .optional()
  .describe("The service's own PostgreSQL database (its own role); unset → embedded PGlite in DATA_DIR.");

/** Every service with a database reads the same connection settings. */
export const databaseEnv = {
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .describe('Most PostgreSQL connections one process opens.'),
  DATABASE_IDLE_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe('An idle pooled connection is closed after this long.'),
  DATABASE_CONNECT_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(5)
    .describe('How long opening a connection may take before the request fails with SERVICE_UNAVAILABLE.'),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(10_000)
    .describe('PostgreSQL cancels any statement that runs longer (statement_timeout).'),
};

/** A service's database settings, as parsed from `databaseEnv`. */
export type DatabaseEnv = z.infer<z.ZodObject<typeof databaseEnv>>;
type PoolEnv = Omit<DatabaseEnv, 'DATABASE_URL'>;

export const poolOptionsOf = (env: PoolEnv) => ({
  max: env.DATABASE_POOL_SIZE,
  idleTimeoutSeconds: env.DATABASE_IDLE_TIMEOUT_SECONDS,
  connectTimeoutSeconds: env.DATABASE_CONNECT_TIMEOUT_SECONDS,
  statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
});

/**
 * What every subgraph reads besides its own variables: common settings, its port, its database (DATABASE_URL,
 * or embedded PGlite in DATA_DIR under the service's folder), the gateway's signing secret, cache hints and
 * demo data. Spread into the subgraph's own zod object in its env.ts.
 */
export function subgraphEnv(name: string, defaults: { port: number; serviceRoot: string }) {
  return {
    ...commonEnv,
    PORT: port(defaults.port).describe('Port the subgraph listens on.'),
    ...databaseEnv,
    DATA_DIR: z
      .string()
      .min(1)
      .default(join(defaults.serviceRoot, '.data', name))
      .describe('Folder of the embedded PGlite database, used when DATABASE_URL is unset.'),
    INTERNAL_SECRET: secret.describe("Verifies the gateway's signature on every request."),
    CACHE_MAX_AGE_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(3_600)
      .default(30)
      .describe(
        "How long the gateway may cache this service's answers (seconds; 0 = never). Mutations invalidate.",
      ),
    SEED_DEMO_DATA: z
      .enum(['true', 'false'])
      .default('true')
      .transform((value) => value === 'true')
      .describe('Insert the demo data at start (never when NODE_ENV=production).'),
  };
}
