import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * Everything a consumer needs to know about a product, carried by each product event (event-carried state): a
 * consumer keeps its own copy without asking catalog. `version` grows by one with every change of the product,
 * so a consumer keeps the highest it has seen and ignores older ones arriving late.
 */
const productFacts = z.object({
  productId: z.uuid(),
  sku: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  /** Price of one unit in minor units of `currency`. */
  priceAmount: z.number().int().min(0),
  currency: z.string().regex(/^[A-Z]{3}$/),
  /** False once archived: no longer sold. */
  active: z.boolean(),
  version: z.number().int().min(1),
});

/**
 * The event catalogue: every event one service tells the others, with the schema of its payload. This is the
 * only code the services share about each other. Payloads carry ids and facts, never personal data: names and
 * emails stay in the users service (ask the graph for them), so nothing personal outlives an account in a
 * queue, an outbox or a dead-letter queue.
 *
 * Versioning: a payload may gain optional fields within a version. Anything else (a field removed, renamed,
 * retyped or made required) is a new version: consumers learn to read it first, then producers start to
 * write it. A consumer dead-letters a version it does not know rather than guess.
 */
/** Where an order is in its life (the orders service's `OrderStatus`). */
export const ORDER_STATUSES = ['PENDING', 'PAID', 'SHIPPED', 'CANCELLED'] as const;

export const EVENTS = {
  'user.registered': {
    version: 1,
    producer: 'users',
    description: 'A customer signed up.',
    payload: z.object({ userId: z.uuid() }),
  },
  'user.updated': {
    version: 1,
    producer: 'users',
    description: 'A user changed their profile. Names the fields that changed, not their values.',
    payload: z.object({ userId: z.uuid(), changed: z.array(z.string().min(1)).min(1) }),
  },
  'user.deleted': {
    version: 1,
    producer: 'users',
    description: 'A user deleted their account; their personal data is already erased. Terminal.',
    payload: z.object({ userId: z.uuid() }),
  },
  'order.placed': {
    version: 1,
    producer: 'orders',
    description: 'A customer placed an order.',
    payload: z.object({
      orderId: z.uuid(),
      userId: z.uuid(),
      currency: z.string().regex(/^[A-Z]{3}$/),
      totalAmount: z.number().int().min(0),
      itemCount: z.number().int().min(1),
    }),
  },
  'order.cancelled': {
    version: 1,
    producer: 'orders',
    description:
      'An order was cancelled: on request (customer or admin), or because its customer was deleted.',
    payload: z.object({
      orderId: z.uuid(),
      userId: z.uuid(),
      reason: z.enum(['REQUESTED', 'USER_DELETED']),
    }),
  },
  'order.statusChanged': {
    version: 1,
    producer: 'orders',
    description:
      'An order moved from one status to another (paid, shipped or cancelled, by anyone or by a deletion). Written with every status change, next to order.cancelled for a cancellation.',
    payload: z.object({
      orderId: z.uuid(),
      userId: z.uuid(),
      from: z.enum(ORDER_STATUSES),
      to: z.enum(ORDER_STATUSES),
    }),
  },
  'product.created': {
    version: 1,
    producer: 'catalog',
    description: 'An admin added a product to the catalogue (version 1).',
    payload: productFacts,
  },
  'product.updated': {
    version: 1,
    producer: 'catalog',
    description:
      'An admin changed a product (name, description or price); carries its new state and version.',
    payload: productFacts,
  },
  'product.archived': {
    version: 1,
    producer: 'catalog',
    description: 'An admin archived a product: no longer sold (active false). Terminal.',
    payload: productFacts,
  },
} as const;

export type EventType = keyof typeof EVENTS;
export const EVENT_TYPES = Object.keys(EVENTS) as EventType[];

export type EventPayload<T extends EventType> = z.infer<(typeof EVENTS)[T]['payload']>;

/** The JSON every message carries: the envelope, and the payload its type and version describe. */
export interface Event<T extends EventType = EventType> {
  /** Unique per event; consumers deduplicate on it. */
  id: string;
  type: T;
  version: number;
  /** ISO-8601 instant at which the change was committed (by the producer's clock). */
  occurredAt: string;
  /** The entity the event is about (a user id, an order id): ordering is discussed per aggregate. */
  aggregateId: string;
  payload: EventPayload<T>;
}

/** Any catalogued event; narrowing on `type` narrows the payload. */
export type AnyEvent = { [T in EventType]: Event<T> }[EventType];

const envelope = z.object({
  id: z.uuid(),
  type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]),
  version: z.number().int().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  aggregateId: z.uuid(),
  payload: z.unknown(),
});

/** A message that is not a catalogued event of a known version: retrying cannot help, so it is dead-lettered. */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/** Validates a received message body (already JSON-parsed) against the catalogue. */
export function parseEvent(raw: unknown): AnyEvent {
  const head = envelope.safeParse(raw);
  if (!head.success) throw new InvalidEventError(`not an event: ${z.prettifyError(head.error)}`);
  const spec = EVENTS[head.data.type];
  if (head.data.version !== spec.version) {
    throw new InvalidEventError(
      `${head.data.type} version ${head.data.version} is unknown (this build reads ${spec.version})`,
    );
  }
  const payload = spec.payload.safeParse(head.data.payload);
  if (!payload.success)
    throw new InvalidEventError(`${head.data.type} payload: ${z.prettifyError(payload.error)}`);
  return { ...head.data, payload: payload.data } as AnyEvent;
}

/** A new event of `type` about `aggregateId`; the payload is checked now, so a bad one fails the producer's transaction. */
export function createEvent<T extends EventType>(
  type: T,
  aggregateId: string,
  payload: EventPayload<T>,
  options: { id?: string; occurredAt?: Date } = {},
): Event<T> {
  const spec = EVENTS[type];
  return {
    id: options.id ?? randomUUID(),
    type,
    version: spec.version,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    aggregateId,
    payload: spec.payload.parse(payload) as EventPayload<T>,
  };
}
