import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { INTERNAL_TOKEN_HEADER, signStreamToken, type Identity } from '@supergraph/service-kit/auth';
import { REQUEST_ID_HEADER } from '@supergraph/service-kit/http';
import { eventually, parsePrometheus, seriesValue } from '@supergraph/testing';
import { print, type FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** What a subscription received, as it arrives: results, then how it ended. */
export interface Received<TData> {
  results: FormattedExecutionResult<TData>[];
  /** Each result's `extensions` (kept apart so results compare by data and errors alone). */
  extensions: (Record<string, unknown> | undefined)[];
  /** Set once the server completed the subscription. */
  completed: boolean;
  /** Set when it ended with an error (graphql-ws `error` message, or the connection closing). */
  error: unknown;
  unsubscribe(): void;
}

export interface GatewayLikeClient {
  client: Client;
  /** Close codes of the connection, in order (graphql-ws `closed` events). */
  closes: number[];
  subscribe<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
  ): Received<TData>;
  dispose(): Promise<void>;
}

/**
 * A graphql-ws client connecting the way the gateway does: `connection_init` carries the internal token
 * signed for `identity` and a request id. No retries, so every close is seen as it happened.
 */
export function connectAsGateway(
  wsUrl: string,
  identity: Identity,
  secret: string,
  requestId = `test-${Math.random().toString(36).slice(2)}`,
): GatewayLikeClient {
  const closes: number[] = [];
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: async () => ({
      // As the gateway signs a stream: until its client's access token expires (an hour here).
      [INTERNAL_TOKEN_HEADER]: await signStreamToken(identity, secret, Date.now() + 3_600_000),
      [REQUEST_ID_HEADER]: requestId,
    }),
    on: { closed: (event) => closes.push((event as { code: number }).code) },
  });
  return {
    client,
    closes,
    subscribe(document, variables) {
      const received: Received<never> = {
        results: [],
        extensions: [],
        completed: false,
        error: undefined,
        unsubscribe: () => {},
      };
      received.unsubscribe = client.subscribe<never>(
        { query: print(document), variables },
        {
          next: ({ extensions, ...result }) => {
            received.extensions.push(extensions as Record<string, unknown> | undefined);
            received.results.push(withoutLocations(result as FormattedExecutionResult<never>));
          },
          error: (error) => void (received.error = error),
          complete: () => void (received.completed = true),
        },
      );
      return received as unknown as Received<never>;
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}

/** Waits until the service counts `count` running subscriptions (so events from now on reach them). */
export async function untilSubscribed(origin: string, count: number): Promise<void> {
  await eventually(async () => {
    const text = await (await fetch(`${origin}/metrics`)).text();
    const value = seriesValue(parsePrometheus(text), 'subgraph_subscriptions_active', { service: 'orders' });
    if (value !== count) throw new Error(`${value} subscriptions running, waiting for ${count}`);
  });
}

/** A raw WebSocket speaking graphql-transport-ws: for what no well-behaved client sends. */
export async function rawConnection(wsUrl: string) {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  const messages: { type: string; id?: string; payload?: unknown }[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as (typeof messages)[number]));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    messages,
    closed,
    send: (message: unknown) => socket.send(JSON.stringify(message)),
  };
}

/** A result with its errors' source locations dropped: they depend on how the document was printed. */
function withoutLocations<TData>(result: FormattedExecutionResult<TData>): FormattedExecutionResult<TData> {
  if (!result.errors) return result;
  return { ...result, errors: result.errors.map(({ locations: _locations, ...error }) => error) };
}
