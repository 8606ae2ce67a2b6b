import { z } from 'zod';
import { badUserInput } from './errors.ts';

/** Parses a resolver's input with zod; the first failure becomes BAD_USER_INPUT naming the field. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  throw badUserInput(issue.message, field || undefined);
}

/**
 * PostgreSQL text cannot hold NUL; refuse it as bad input rather than fail the write.
 * Spread into zod's refine: `z.string().refine(...noNul('name'))`.
 */
export const noNul = (field: string) =>
  [(value: string) => !value.includes('\0'), `${field} must not contain NUL characters`] as const;

const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** An ISO-4217 currency code, trimmed and upper-cased (` usd ` is USD): one rule for every service that prices. */
export const currencyCode = () =>
  z
    .string()
    .trim()
    .toUpperCase()
    .refine((code) => /^[A-Z]{3}$/.test(code) && ISO_CURRENCIES.has(code), {
      message: 'currency must be a 3-letter ISO-4217 code, like USD or EUR',
    });

/** Largest amount a GraphQL Int (and the services' integer columns) can hold. */
export const MAX_AMOUNT = 2_147_483_647;
