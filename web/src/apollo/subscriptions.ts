import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient, type Client, type SubscribePayload } from 'graphql-ws';
import { documentIds, subscriptionBodies } from 'virtual:trusted-documents';
import type { SessionStore } from '../auth/session.ts';

/** The gateway's WebSocket URL: its GraphQL URL with ws: or wss:. */
export const webSocketUrlOf = (gatewayUrl: string): string => gatewayUrl.replace(/^http/, 'ws');

/** A subscription by its trusted-document id, with the manifest's text (graphql-ws needs a `query`). */
function trustedPayload(payload: SubscribePayload): SubscribePayload {
  const name = payload.operationName ?? '';
  const id = documentIds[name];
  const body = subscriptionBodies[name];
  if (!id || !body) throw new Error(`${name} is not a trusted document: run npm run codegen`);
  return {
    ...payload,
    query: body,
    extensions: { ...payload.extensions, persistedQuery: { version: 1, sha256Hash: id } },
  };
}

/**
 * Subscriptions over graphql-ws at the gateway's `/graphql` (docs/subscriptions.md). The token is read at each
 * connection_init; a new session (log in, log out) opens a new connection, so a socket never outlives the
 * identity it was opened with.
 */
export function createSubscriptionLink({
  gatewayUrl,
  session,
  trustedDocuments,
}: {
  gatewayUrl: string;
  session: SessionStore;
  trustedDocuments: boolean;
}): GraphQLWsLink {
  const connect = () =>
    createClient({
      url: webSocketUrlOf(gatewayUrl),
      connectionParams: () => {
        const token = session.token();
        return token ? { Authorization: `Bearer ${token}` } : {};
      },
      // 1001 (gateway restart) and 4419 (token expired) are retried; screens refetch when a subscription restarts.
      retryAttempts: 10,
    });
  let current = connect();
  let token = session.token();
  session.subscribe(() => {
    if (session.token() === token) return;
    token = session.token();
    void current.dispose();
    current = connect();
  });
  const client: Client = {
    on: (event, listener) => current.on(event, listener as never),
    subscribe: (payload, sink) =>
      current.subscribe(trustedDocuments ? trustedPayload(payload) : payload, sink),
    iterate: (payload) => current.iterate(trustedDocuments ? trustedPayload(payload) : payload),
    terminate: () => current.terminate(),
    dispose: () => current.dispose(),
  };
  return new GraphQLWsLink(client);
}
