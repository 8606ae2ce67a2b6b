import type { EventType } from './catalogue.ts';

/**
 * Who consumes what: each consumer's queue and the event types bound to it. Producers declare these queues
 * too, on every connect, so an event published before its consumer ever connected (a fresh broker, a
 * consumer deployed later) waits in the consumer's queue instead of being dropped by an exchange with no
 * binding. A consumer's handlers must match its entry here (a test checks it).
 */
export const SUBSCRIPTIONS = {
  orders: ['user.registered', 'user.deleted', 'product.created', 'product.updated', 'product.archived'],
} as const satisfies Record<string, readonly EventType[]>;
