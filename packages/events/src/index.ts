export {
  EVENTS,
  EVENT_TYPES,
  ORDER_STATUSES,
  InvalidEventError,
  createEvent,
  parseEvent,
  type AnyEvent,
  type Event,
  type EventPayload,
  type EventType,
} from './catalogue.ts';
export { inboxTable, outboxTable, type InboxTable, type OutboxRow, type OutboxTable } from './tables.ts';
export { enqueueEvents } from './outbox.ts';
export { topologyOf, type ConsumerQueues, type Topology } from './topology.ts';
export { openBrokerConnection, type BrokerConnection, type BrokerConnectionOptions } from './connection.ts';
export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions, type RelayFaults } from './relay.ts';
export {
  applyOnce,
  createEventConsumer,
  type ApplyOutcome,
  type ConsumerStats,
  type EventConsumer,
  type EventConsumerOptions,
  type EventHandler,
  type EventHandlers,
} from './consumer.ts';
export { consumerEnv, eventsEnv, type ConsumerEnv, type EventsEnv } from './env.ts';
export { createServiceEvents, type ServiceEvents, type ServiceEventsOptions } from './service.ts';
export { SUBSCRIPTIONS } from './subscriptions.ts';
export {
  createBroadcastSubscription,
  type BroadcastSubscription,
  type BroadcastSubscriptionOptions,
} from './broadcast.ts';
export { createOutboxTail, type OutboxTail, type OutboxTailOptions } from './outbox-tail.ts';
