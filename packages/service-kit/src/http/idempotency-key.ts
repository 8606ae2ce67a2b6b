import { badUserInput } from '../errors.ts';

/**
 * The request header that makes a mutation safe to retry (the IETF httpapi `Idempotency-Key` draft, as Stripe
 * and others use it). The gateway forwards it to the subgraphs; see docs/operations.md.
 */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** Longest key accepted: a UUID is 36 characters; this leaves room for any client's own scheme. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * The key a client sent, or undefined when it sent none. The draft makes the value a structured-field string
 * (`"…"`); a bare token (Stripe's form) is accepted as well. BAD_USER_INPUT for an empty, over-long or
 * non-printable key, or for the header sent twice.
 */
export function parseIdempotencyKey(header: string | readonly string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string')
    throw badUserInput('Send one Idempotency-Key header, not several.', 'Idempotency-Key');
  const trimmed = header.trim();
  const key = /^"(.*)"$/.exec(trimmed)?.[1] ?? trimmed;
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !/^[\x20-\x7e]+$/.test(key)) {
    throw badUserInput(
      `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters; a random UUID is a good key.`,
      'Idempotency-Key',
    );
  }
  return key;
}
