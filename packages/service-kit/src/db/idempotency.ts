import { createHash } from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import { index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { GraphQLError } from 'graphql';
import { badUserInput, ErrorCode } from '../errors.ts';
import { parseIdempotencyKey } from '../http/idempotency-key.ts';
import type { Database } from './create-database.ts';
import { isLockNotAvailable } from './errors.ts';

/** How long a key's first outcome is kept and replayed (issue 16: at least 24 h, as Stripe keeps them). */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;
/** How long a retry waits for the first call with its key to finish before it is told to come back. */
const WAIT_FOR_FIRST_CALL = '5s';

/** The table each service's schema declares (`export const idempotencyKeys = idempotencyTable()`). */
export const idempotencyTable = () =>
  pgTable(
    'idempotency_keys',
    {
      /** Whose key: the user id, or `anonymous` (signUp). Keys of different callers never meet. */
      caller: text().notNull(),
      /** The client's Idempotency-Key. */
      key: text().notNull(),
      /** The mutation's response key (alias or field name): one request may run several mutations. */
      field: text().notNull(),
      /** SHA-256 of the operation and its input: the same key with another request is refused. */
      fingerprint: text().notNull(),
      /** What the first call answered, replayed to every retry. */
      response: jsonb().notNull(),
      createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
      expiresAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    },
    (table) => [
      primaryKey({ columns: [table.caller, table.key, table.field] }),
      index('idempotency_keys_expires_idx').on(table.expiresAt),
    ],
  );

export type IdempotencyTable = ReturnType<typeof idempotencyTable>;

/** One mutation call that may carry a key. */
export interface IdempotentCall {
  /** The raw header value (the context's `idempotencyKey`); undefined runs the call without a key. */
  key: string | readonly string[] | undefined;
  caller: string;
  /** The field's response key in the document (`info.path.key`). */
  field: string;
  /** The mutation's name and the input that defines "the same request" (leave secrets out: it is hashed and stored). */
  operation: string;
  input: unknown;
}

/**
 * The call a mutation resolver makes: its field's response key and name from the resolver's `info`, the raw
 * Idempotency-Key from its context, the caller and the input that defines "the same request".
 */
export const mutationCall = (
  info: { fieldName: string; path: { key: string | number } },
  key: IdempotentCall['key'],
  caller: string,
  input: unknown,
): IdempotentCall => ({ key, caller, field: String(info.path.key), operation: info.fieldName, input });

/** How an outcome is stored and brought back. */
export interface IdempotencyCodec<TOutcome> {
  /** The JSON to store for `outcome`, or undefined when it changed nothing: then nothing is kept and a retry runs again. */
  store(outcome: TOutcome): unknown;
  /** The outcome again, from what `store` returned (it may check the retry further and throw). */
  replay(stored: unknown): TOutcome | Promise<TOutcome>;
}

/**
 * Runs a mutation at most once per (caller, key, field). Without a key it just runs `run(db)`. With one, in one
 * transaction: claim the key (a row insert; a concurrent retry with the same key waits on it), run the
 * mutation with that transaction, store its outcome in the claim, commit — so the outcome is stored if and
 * only if the effect is. A later call with the key replays the stored outcome if its input is the same, and
 * is BAD_USER_INPUT if not. A retry that waited more than 5 s for the first call gets IDEMPOTENCY_KEY_IN_USE.
 * An outcome that changed nothing (`store` returned undefined) or an error keeps no key.
 */
export async function runIdempotent<TDb extends Database<Record<string, unknown>>, TOutcome>(
  db: TDb,
  table: IdempotencyTable,
  call: IdempotentCall,
  run: (db: TDb) => Promise<TOutcome>,
  codec: IdempotencyCodec<TOutcome>,
): Promise<Awaited<TOutcome>> {
  const key = parseIdempotencyKey(call.key);
  if (key === undefined) return await run(db);
  const fingerprint = fingerprintOf(call.operation, call.input);
  const id = and(eq(table.caller, call.caller), eq(table.key, key), eq(table.field, call.field));

  const result = await db.transaction(async (tx): Promise<Step<Awaited<TOutcome>>> => {
    // Expired keys of this caller go first, so an old key claims afresh.
    await tx.delete(table).where(and(eq(table.caller, call.caller), lt(table.expiresAt, sql`now()`)));
    await tx.execute(sql`select set_config('lock_timeout', ${WAIT_FOR_FIRST_CALL}, true)`);
    let claimed: unknown[];
    try {
      claimed = await tx
        .insert(table)
        .values({
          caller: call.caller,
          key,
          field: call.field,
          fingerprint,
          response: sql`'null'::jsonb`,
          expiresAt: sql`now() + make_interval(hours => ${IDEMPOTENCY_KEY_TTL_HOURS})`,
        })
        .onConflictDoNothing()
        .returning({ key: table.key });
    } catch (error) {
      if (isLockNotAvailable(error)) throw keyInUse();
      throw error;
    }
    // Back to the configured lock_timeout for the mutation itself.
    await tx.execute(sql`set local lock_timeout to default`);

    if (claimed.length === 0) {
      const [existing] = await tx
        .select({ fingerprint: table.fingerprint, response: table.response })
        .from(table)
        .where(id);
      if (!existing) throw keyInUse();
      if (existing.fingerprint !== fingerprint) throw keyReused();
      return { replay: true, stored: existing.response };
    }

    // A transaction is a database of the same schema for everything run inside it.
    const outcome = await run(tx as unknown as TDb);
    const stored = codec.store(outcome);
    if (stored === undefined) await tx.delete(table).where(id);
    else await tx.update(table).set({ response: stored }).where(id);
    return { replay: false, outcome };
  });
  return result.replay ? await codec.replay(result.stored) : result.outcome;
}

type Step<TOutcome> = { replay: true; stored: unknown } | { replay: false; outcome: TOutcome };

/** SHA-256 of the operation and its input, object keys sorted so that key order does not matter. */
export function fingerprintOf(operation: string, input: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([operation, input], (_key, value: unknown) => sortKeys(value)))
    .digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const keyReused = () =>
  badUserInput(
    'This Idempotency-Key was already used for a different request; send a new key for a new request.',
    'Idempotency-Key',
  );

const keyInUse = () =>
  new GraphQLError('A request with this Idempotency-Key is still running; retry shortly with the same key.', {
    extensions: { code: ErrorCode.IDEMPOTENCY_KEY_IN_USE },
  });
