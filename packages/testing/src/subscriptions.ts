import type { FormattedExecutionResult } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client, type ClientOptions } from 'graphql-ws';
import WebSocket from 'ws';

/** How a subscription a test holds has ended so far. */
export type Ending =
  | { kind: 'complete' }
  /** graphql-ws: an `error` message (GraphQL errors) or the socket closing (a close event with its code). */
  | {
      kind: 'error';
      errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
      code?: number;
    };

/** One subscription a test holds: what it received, in order, and how it ended. */
export interface SubscriptionProbe {
  readonly results: FormattedExecutionResult[];
  /** The next result not yet taken by an earlier call; fails after `timeoutMs`. */
  next(timeoutMs?: number): Promise<FormattedExecutionResult>;
  /** Resolves when the subscription ends: completed, or with an error. */
  readonly ended: Promise<Ending>;
  /** Stops it (the client completes the subscription). */
  stop(): void;
}

export interface SubscribeRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  extensions?: Record<string, unknown>;
}

function probe(
  start: (sink: {
    next: (result: FormattedExecutionResult) => void;
    end: (ending: Ending) => void;
  }) => () => void,
): SubscriptionProbe {
  const results: FormattedExecutionResult[] = [];
  let taken = 0;
  let wake: (() => void) | undefined;
  let resolveEnded!: (ending: Ending) => void;
  const ended = new Promise<Ending>((resolve) => (resolveEnded = resolve));
  let endedAs: Ending | undefined;
  const stop = start({
    next: (result) => {
      results.push(result);
      wake?.();
    },
    end: (ending) => {
      endedAs ??= ending;
      resolveEnded(ending);
      wake?.();
    },
  });
  return {
    results,
    ended,
    stop,
    async next(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (results.length <= taken) {
        if (endedAs)
          throw new Error(`the subscription ended (${JSON.stringify(endedAs)}) before another result`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no result within ${timeoutMs} ms (${results.length} so far)`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      return results[taken++]!;
    },
  };
}

/** The graphql-ws URL of a gateway or subgraph `http(s)://…/graphql`. */
export const wsUrlOf = (httpUrl: string): string => httpUrl.replace(/^http/, 'ws');

/** A graphql-ws client as Apollo Client's GraphQLWsLink makes one, with the access token in connectionParams. */
export function wsClient(
  httpUrl: string,
  token: string | (() => string | undefined) | undefined,
  options: Partial<ClientOptions> = {},
): Client & { closeCodes: number[] } {
  const closeCodes: number[] = [];
  const client = createWsClient({
    url: wsUrlOf(httpUrl),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: () => {
      const current = typeof token === 'function' ? token() : token;
      return current ? { Authorization: `Bearer ${current}` } : {};
    },
    ...options,
    on: {
      ...options.on,
      closed: (event) => {
        closeCodes.push((event as { code: number }).code);
        options.on?.closed?.(event);
      },
    },
  });
  return Object.assign(client, { closeCodes });
}

/** Subscribes over graphql-ws. */
export function subscribeWs(client: Client, request: SubscribeRequest): SubscriptionProbe {
  return probe(({ next, end }) =>
    client.subscribe(request, {
      next: (result) => next(result as FormattedExecutionResult),
      complete: () => end({ kind: 'complete' }),
      error: (error: unknown) => {
        if (Array.isArray(error)) end({ kind: 'error', errors: error });
        else if (error && typeof error === 'object' && 'code' in error)
          end({ kind: 'error', code: (error as { code: number }).code });
        else end({ kind: 'error', errors: [{ message: String(error) }] });
      },
    }),
  );
}

/** Subscribes over SSE (graphql-sse, distinct connections), with the access token in the Authorization header. */
export function subscribeSse(
  httpUrl: string,
  token: string | undefined,
  request: SubscribeRequest,
  options: { retryAttempts?: number } = {},
): SubscriptionProbe {
  const client = createSseClient({
    url: httpUrl,
    retryAttempts: options.retryAttempts ?? 0,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return probe(({ next, end }) => {
    const stop = client.subscribe(request, {
      next: (result) => next(result as FormattedExecutionResult),
      complete: () => end({ kind: 'complete' }),
      error: (error: unknown) => {
        const response = (error as { response?: { status?: number } }).response;
        end({
          kind: 'error',
          errors: [{ message: String(error) }],
          ...(response?.status ? { code: response.status } : {}),
        });
      },
    });
    return () => {
      stop();
      client.dispose();
    };
  });
}
