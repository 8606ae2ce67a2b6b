/**
 * How a subscription ends when the gateway ends it (docs/subscriptions.md lists them for frontend teams).
 * Every end but a refusal is retryable: subscribe again (with a fresh token where it says so) and refetch
 * what the screen shows, because live updates are delivered at most once.
 */

/** WebSocket close codes (graphql-transport-ws): the whole connection ends, with every subscription on it. */
export const CloseCode = {
  /** The gateway is shutting down (or restarting): reconnect, another replica answers. graphql-ws retries it. */
  goingAway: 1001,
  /**
   * The connection was refused for the caller's rate limit or their number of open connections (the reason
   * says which): graphql-ws retries it with its backoff.
   */
  tryAgainLater: 1013,
  /** connection_init carried an access token that is not valid (or expired): reconnect with a fresh one. */
  forbidden: 4403,
  /** The connection's access token expired while it was open: reconnect with a fresh one. graphql-ws retries it. */
  tokenExpired: 4419,
} as const;

/** `extensions.code` of the errors a subscription is refused or ended with (both transports). */
export const SubscriptionCode = {
  /** Subscribing needs a signed-in caller (connectionParams `Authorization` / the `Authorization` header). */
  unauthenticated: 'UNAUTHENTICATED',
  /** More subscriptions than MAX_SUBSCRIPTIONS_PER_CONNECTION or MAX_SUBSCRIPTIONS_PER_USER allow. */
  tooMany: 'TOO_MANY_SUBSCRIPTIONS',
  /** A subscription sent where only queries and mutations are served (an HTTP POST without text/event-stream). */
  wrongTransport: 'SUBSCRIPTION_TRANSPORT_REQUIRED',
  /** The owning subgraph's stream ended (it restarted, or the connection to it dropped): subscribe again. */
  interrupted: 'SUBSCRIPTION_INTERRUPTED',
  /** The supergraph changed and the operation no longer validates or plans the same way: subscribe again. */
  schemaReload: 'SUBSCRIPTION_SCHEMA_RELOAD',
  /** SSE only (WebSocket closes with 4419): the access token expired; subscribe again with a fresh one. */
  tokenExpired: 'ACCESS_TOKEN_EXPIRED',
  /** SSE only (WebSocket closes with 1001): the gateway is shutting down; subscribe again. */
  shuttingDown: 'SHUTTING_DOWN',
} as const;

/** Why a running subscription was ended by the gateway. */
export type EndReason = 'interrupted' | 'schemaReload' | 'tokenExpired' | 'shuttingDown';

export const END_MESSAGES: Record<EndReason, string> = {
  interrupted:
    'The live updates were interrupted (the service behind them restarted or became unreachable): subscribe again and refetch, updates in between may have been missed.',
  schemaReload:
    'The graph changed and this subscription no longer runs as it was planned: subscribe again (and check the operation still validates).',
  tokenExpired: 'Your access token expired: subscribe again with a fresh one.',
  shuttingDown: 'This gateway is shutting down: subscribe again and refetch, another one will answer.',
};
