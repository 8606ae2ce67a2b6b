import { z } from 'zod';

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

/** Variables every service reads, with defaults that make `npm start` work on a fresh machine. */
export const commonEnv = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().min(1).default('127.0.0.1'),
};

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** An HMAC secret: long enough to resist brute force. Never defaulted: `npm start` generates one per run. */
export const secret = z.string().min(32, 'must be at least 32 characters (generate one with `openssl rand -hex 32`)');

/** Database URL: a postgres:// URL selects PostgreSQL; unset selects the embedded PGlite database. */
export const databaseUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL; leave unset for the embedded database')
  .optional();
