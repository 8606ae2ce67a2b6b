import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  getOperationAST,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { Gauge, type Registry } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Identity } from '../auth/identity.ts';
import { INTERNAL_TOKEN_HEADER, verifyStreamToken } from '../auth/internal-token.ts';
import { tokenExpiry } from '../auth/token-cache.ts';
import { ErrorCode } from '../errors.ts';
import { REQUEST_ID_HEADER } from '../http/request-id.ts';
import type { Logger } from '../logger.ts';
import { SUBSCRIPTION_CLOSE_CODES } from './close-codes.ts';
import { subscribeWithEventContext } from './per-event-subscribe.ts';

/** Refusal of one subscribe beyond the per-connection cap (an `error` message; the connection stays). */
export const TOO_MANY_SUBSCRIPTIONS = 'TOO_MANY_SUBSCRIPTIONS';

/** Who a connection speaks for, from its verified `connection_init`: used for every subscribe on it. */
export interface ConnectionCaller {
  identity: Identity;
  requestId: string;
}

export interface SubscriptionServerOptions<TContext> {
  /** The subgraph's federated schema (buildSubgraphSchema), the same one HTTP requests execute against. */
  schema: GraphQLSchema;
  /** INTERNAL_SECRET: `connection_init` must carry a token the gateway signed with it. */
  secret: string;
  logger: Logger;
  /** Subscriptions one connection may hold at once; one more is refused with TOO_MANY_SUBSCRIPTIONS. */
  maxPerConnection: number;
  /** The service's Apollo `formatError`: subscription errors are masked exactly like HTTP ones. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  /** The subscribe-time context of one subscription. */
  context(caller: ConnectionCaller & { logger: Logger }): TContext;
  /** The context one event is executed with (fresh loaders per event; see subscribeWithEventContext). */
  eventContext(context: TContext, payload: unknown): TContext;
  /** Extensions added to one event's result (see subscribeWithEventContext). */
  eventExtensions?(payload: unknown): Record<string, unknown> | undefined;
  /** False while the service cannot deliver events: a subscribe then fails with SERVICE_UNAVAILABLE. */
  available?(): boolean;
  /** The only path upgraded; default `/graphql`. */
  path?: string;
  /** Largest message accepted, in bytes (as the HTTP body limit). */
  maxPayloadBytes?: number;
  /** Server → client ping interval; a connection that misses a pong is terminated. */
  keepAliveMs?: number;
  /** Where `subgraph_subscriptions_active` and `subgraph_subscription_connections` are exposed. */
  registry?: Registry;
}

/** What a subgraph hands its HTTP server: upgrades to take, and connections to end on shutdown. */
export interface SubscriptionServer {
  /** The HTTP server's `upgrade` listener. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * Ends every connection with `code` (each of its subscriptions is completed first), waiting up to `graceMs`
   * for the close handshakes before cutting what is left. New connections are still accepted.
   */
  closeAll(code: number, reason: string, graceMs?: number): Promise<void>;
  /** Stops accepting, and ends every connection with 1001 Going Away. Idempotent. */
  close(): Promise<void>;
  /** Open connections (acknowledged or not). */
  readonly connections: number;
}

type Extra = {
  socket: WebSocket;
  request: IncomingMessage;
  caller?: ConnectionCaller;
  /** Ids of the connection's subscriptions that are running (counted in the active gauge). */
  running?: Set<string>;
  /** Ends the connection when the gateway's signature of it expires. */
  expiry?: NodeJS.Timeout;
};

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const coded = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });

/**
 * Subscriptions over graphql-ws (protocol graphql-transport-ws) on the subgraph's own port and path. Only the
 * gateway may connect: `connection_init`'s payload must carry `x-internal-token`, signed like the header of
 * every HTTP request, or the connection is closed with 4403 before anything else. The identity in it is the
 * connection's for its whole life. Only subscription operations are served here (queries and mutations stay
 * on HTTP POST). Errors go through the service's error formatter, so nothing internal leaks.
 */
export function createSubscriptionServer<TContext>(
  options: SubscriptionServerOptions<TContext>,
): SubscriptionServer {
  const { schema, logger, maxPerConnection } = options;
  const path = options.path ?? '/graphql';
  // Only a stream token (signStreamToken) opens a connection: a request's token is for HTTP alone.
  const verify = (token: string | undefined) => verifyStreamToken(token, options.secret);
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 100 * 1024 });
  let stopped = false;
  let active = 0;
  if (options.registry) {
    new Gauge({
      name: 'subgraph_subscriptions_active',
      help: 'Subscriptions running on this process (accepted, not yet completed).',
      registers: [options.registry],
      collect() {
        this.set(active);
      },
    });
    new Gauge({
      name: 'subgraph_subscription_connections',
      help: 'Open WebSocket connections of the subscription endpoint.',
      registers: [options.registry],
      collect() {
        this.set(wss.clients.size);
      },
    });
  }

  const format = (errors: readonly GraphQLError[]) =>
    errors.map((error) => options.formatError(error.toJSON(), error));

  useServer<Record<string, unknown>, Extra>(
    {
      schema,
      async onConnect(ctx) {
        const params = ctx.connectionParams ?? {};
        const token = params[INTERNAL_TOKEN_HEADER];
        const requestId = params[REQUEST_ID_HEADER];
        const caller: ConnectionCaller = {
          identity: null,
          requestId: typeof requestId === 'string' && SAFE_ID.test(requestId) ? requestId : randomUUID(),
        };
        try {
          caller.identity = await verify(typeof token === 'string' ? token : undefined);
        } catch (error) {
          logger.warn(
            { requestId: caller.requestId, reason: String(error) },
            'rejected unsigned subscription connection',
          );
          return false;
        }
        ctx.extra.caller = caller;
        // The gateway signs a connection until its client's access token expires: a copied token is good for
        // no longer than that, and nothing is delivered on it afterwards.
        const expiresAt = typeof token === 'string' ? tokenExpiry(token) : undefined;
        if (expiresAt !== undefined) {
          ctx.extra.expiry = setTimeout(
            () =>
              ctx.extra.socket.close(
                SUBSCRIPTION_CLOSE_CODES.FORBIDDEN,
                'the signature of this connection expired',
              ),
            Math.min(Math.max(0, expiresAt - Date.now()), 2_147_483_647),
          );
          ctx.extra.expiry.unref();
        }
        logger.debug(
          { requestId: caller.requestId, callerId: caller.identity?.userId },
          'subscription connection',
        );
        return true;
      },
      onSubscribe(ctx, id, payload) {
        try {
          const caller = ctx.extra.caller!;
          if (Object.keys(ctx.subscriptions).length > maxPerConnection) {
            return [
              coded(
                `This connection already holds ${maxPerConnection} subscriptions; complete one first.`,
                TOO_MANY_SUBSCRIPTIONS,
              ),
            ];
          }
          const document = parseDocument(payload);
          if (document instanceof GraphQLError) return [document];
          const invalid = validate(schema, document);
          if (invalid.length > 0) return invalid.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
          const operation = getOperationAST(document, payload.operationName);
          if (!operation) return [coded('Name the operation to run (operationName).', 'BAD_REQUEST')];
          if (operation.operation !== 'subscription') {
            return [
              coded(
                'Only subscriptions are served over WebSocket; send queries and mutations as HTTP POST.',
                'BAD_REQUEST',
              ),
            ];
          }
          if (options.available && !options.available()) {
            return [
              coded(
                'Live updates are unavailable right now; subscribe again shortly.',
                ErrorCode.SERVICE_UNAVAILABLE,
              ),
            ];
          }
          const subscriptionLogger = logger.child({ requestId: caller.requestId, subscriptionId: id });
          const args: ExecutionArgs = {
            schema,
            document,
            operationName: payload.operationName ?? null,
            variableValues: payload.variables ?? null,
            contextValue: options.context({ ...caller, logger: subscriptionLogger }),
          };
          return args;
        } catch (error) {
          // A bug, not the caller's doing: logged, and answered without details (the connection stays).
          logger.error(
            { err: error, requestId: ctx.extra.caller?.requestId, subscriptionId: id },
            'subscribe failed',
          );
          return [coded('Internal server error', ErrorCode.INTERNAL_SERVER_ERROR)];
        }
      },
      subscribe: (args) => subscribeWithEventContext(args, options.eventContext, options.eventExtensions),
      onOperation(ctx, id, payload, _args, result) {
        // A refusal at subscribe time (NOT_FOUND, FORBIDDEN) is a single result, not a running subscription.
        if (!(Symbol.asyncIterator in result)) return;
        (ctx.extra.running ??= new Set()).add(id);
        active += 1;
        logger.info(
          {
            requestId: ctx.extra.caller?.requestId,
            subscriptionId: id,
            operationName: payload.operationName ?? null,
            callerId: ctx.extra.caller?.identity?.userId,
          },
          'subscribed',
        );
      },
      onNext(_ctx, _id, _payload, _args, result) {
        if (!result.errors) return undefined;
        return { ...result, errors: format(result.errors) };
      },
      onError(_ctx, _id, _payload, errors) {
        return format(errors);
      },
      onComplete(ctx, id) {
        if (!ctx.extra.running?.delete(id)) return;
        active -= 1;
        logger.info({ requestId: ctx.extra.caller?.requestId, subscriptionId: id }, 'subscription completed');
      },
      onClose(ctx, code, reason) {
        clearTimeout(ctx.extra.expiry);
        active -= ctx.extra.running?.size ?? 0;
        ctx.extra.running?.clear();
        logger.debug(
          { requestId: ctx.extra.caller?.requestId, code, reason },
          'subscription connection closed',
        );
      },
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );

  async function closeAll(code: number, reason: string, graceMs = 5_000): Promise<void> {
    const clients = [...wss.clients];
    await Promise.all(
      clients.map(
        (client) =>
          new Promise<void>((resolve) => {
            if (client.readyState === client.CLOSED) return resolve();
            const cut = setTimeout(() => client.terminate(), graceMs);
            client.once('close', () => {
              clearTimeout(cut);
              resolve();
            });
            client.close(code, reason);
          }),
      ),
    );
  }

  return {
    upgrade(req, socket, head) {
      const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (stopped || pathname !== path) {
        socket.end(
          `HTTP/1.1 ${stopped ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\n\r\n`,
        );
        return;
      }
      wss.handleUpgrade(req, socket, head, (client) => wss.emit('connection', client, req));
    },
    closeAll,
    async close() {
      if (stopped) return;
      stopped = true;
      await closeAll(SUBSCRIPTION_CLOSE_CODES.GOING_AWAY, 'server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
    get connections() {
      return wss.clients.size;
    },
  };
}

function parseDocument(payload: SubscribePayload): DocumentNode | GraphQLError {
  try {
    return parse(payload.query);
  } catch (error) {
    return error instanceof GraphQLError
      ? withCode(error, 'GRAPHQL_PARSE_FAILED')
      : coded('The operation could not be parsed.', 'GRAPHQL_PARSE_FAILED');
  }
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    extensions: { ...error.extensions, code },
  });
}
