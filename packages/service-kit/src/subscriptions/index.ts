export {
  SUBSCRIPTION_CLOSE_CODES,
  RETRYABLE_CLOSE_CODES,
  type SubscriptionCloseCode,
} from './close-codes.ts';
export {
  createSubscriptionServer,
  TOO_MANY_SUBSCRIPTIONS,
  type ConnectionCaller,
  type SubscriptionServer,
  type SubscriptionServerOptions,
} from './server.ts';
export { subscribeWithEventContext } from './per-event-subscribe.ts';
