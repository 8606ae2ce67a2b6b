import type { IdempotencyCodec } from '@supergraph/service-kit/db';
import type { OrderRow, OrderStatus } from '../db/schema.ts';
import type { CancelOutcome, PlaceOutcome } from './queries.ts';
import type { StatusChange } from './status.ts';

/** A stored order row back from its JSON (timestamps travel as ISO strings). */
function orderFromJson(stored: unknown): OrderRow {
  const row = stored as Omit<OrderRow, 'createdAt' | 'userDeletedAt'> & {
    createdAt: string;
    userDeletedAt: string | null;
  };
  return {
    ...row,
    createdAt: new Date(row.createdAt),
    userDeletedAt: row.userDeletedAt === null ? null : new Date(row.userDeletedAt),
  };
}

/** placeOrder keeps the order it placed; a refusal (deleted account) placed nothing and keeps no key. */
export const placeOrderCodec: IdempotencyCodec<PlaceOutcome> = {
  store: (outcome) => (outcome.kind === 'placed' ? outcome.order : undefined),
  replay: (stored) => ({ kind: 'placed', order: orderFromJson(stored) }),
};

/** cancelOrder keeps the order as it cancelled it; a refusal changed nothing and keeps no key. */
export const cancelOrderCodec: IdempotencyCodec<CancelOutcome> = {
  store: (outcome) => (outcome.kind === 'cancelled' ? outcome.order : undefined),
  replay: (stored) => ({ kind: 'cancelled', order: orderFromJson(stored) }),
};

/** setOrderStatus keeps the order as it changed it (and the status it came from); a refusal keeps no key. */
export const setOrderStatusCodec: IdempotencyCodec<StatusChange> = {
  store: (outcome) => (outcome.kind === 'changed' ? { order: outcome.order, from: outcome.from } : undefined),
  replay: (stored) => {
    const { order, from } = stored as { order: unknown; from: OrderStatus };
    return { kind: 'changed', order: orderFromJson(order), from };
  },
};
