/**
 * WebSocket close codes a subgraph's subscription endpoint (graphql-ws, protocol graphql-transport-ws) ends a
 * connection with, beyond graphql-ws's own protocol codes (4400 bad message, 4401 subscribe before ack, 4406
 * subprotocol, 4408 no connection_init in time, 4409 duplicate id, 4429 second connection_init). Documented
 * in docs/subgraph-subscriptions.md; the gateway maps each to what its own clients see.
 */
export const SUBSCRIPTION_CLOSE_CODES = {
  /** The service is shutting down (SIGTERM) or the server was closed: reconnect, another replica will answer. */
  GOING_AWAY: 1001,
  /**
   * The service lost the feed its subscriptions live on (the broker connection dropped): events may have
   * been missed. Retryable: re-subscribe (and refetch what the subscription shows) after a short wait.
   */
  TRY_AGAIN_LATER: 1013,
  /**
   * `connection_init` did not carry a valid gateway signature (missing, forged, tampered or expired token), or
   * the signature expired while the connection was open (the gateway signs it until its client's token expires).
   */
  FORBIDDEN: 4403,
} as const;

export type SubscriptionCloseCode = (typeof SUBSCRIPTION_CLOSE_CODES)[keyof typeof SUBSCRIPTION_CLOSE_CODES];

/** Close codes after which a client should connect and subscribe again (after a backoff). */
export const RETRYABLE_CLOSE_CODES: ReadonlySet<number> = new Set([
  SUBSCRIPTION_CLOSE_CODES.GOING_AWAY,
  SUBSCRIPTION_CLOSE_CODES.TRY_AGAIN_LATER,
]);
