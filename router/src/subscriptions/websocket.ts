import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Identity } from '@supergraph/service-kit/auth';
import { requestIdOf } from '@supergraph/service-kit/http';
import type { Logger } from '@supergraph/service-kit/logger';
import {
  GraphQLError,
  parse,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
} from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RateLimiter } from '../rate-limit.ts';
import type { RouterContext } from '../request-scope.ts';
import { authorizationParam, callerOf } from './caller.ts';
import { CloseCode, END_MESSAGES, SubscriptionCode } from './codes.ts';
import type { LiveSubscription } from './live.ts';
import type { OperationRunner } from './operation.ts';
import type { ConnectionCount } from './registry.ts';

/** graphql-ws' connectionInitWaitTimeout: a socket that has not sent connection_init by then is closed (4408). */
export const CONNECTION_INIT_TIMEOUT_MS = 10_000;
/** How often the gateway pings each client socket (WebSocket ping frames); one unanswered for as long ends it. */
const KEEP_ALIVE_MS = 12_000;

export interface WebSocketOptions {
  path: string;
  maxPayloadBytes: number;
  logger: Logger;
  verifyAccessToken: (token: string) => Promise<NonNullable<Identity>>;
  signInternalToken: (identity: Identity) => Promise<string>;
  run: OperationRunner;
  /** REQUEST_TIMEOUT_MS: the deadline of an operation's own fetches (a query or mutation sent over the socket). */
  requestTimeoutMs: number;
  /** Whether new connections are still accepted (false once shutting down). */
  accepting: () => boolean;
  /** The gateway's rate limit, applied to every connection and every operation a socket carries. */
  admit: RateLimiter['admit'];
  /** Connections one signed-in user may hold open on this replica (MAX_SUBSCRIPTIONS_PER_USER). */
  maxConnectionsPerUser: number;
}

/** One client socket: its caller, and the subscriptions it holds. */
interface Connection extends ConnectionCount {
  id: string;
  identity: Identity;
  /** When the access token of connection_init expires (ms since the epoch); undefined for anonymous. */
  expiresAt: number | undefined;
  logger: Logger;
  expiry: NodeJS.Timeout | undefined;
  live: Set<LiveSubscription>;
  /** Aborts when the socket closes. */
  closed: AbortController;
}

type Extra = { socket: WebSocket; request: IncomingMessage; connection?: Connection };

/** What onSubscribe hands to graphql-ws' execute/subscribe: the prepared outcome, not a schema to execute. */
interface Prepared {
  live?: LiveSubscription;
  result?: FormattedExecutionResult;
}

/**
 * graphql-ws (graphql-transport-ws) at the gateway's `/graphql`, on the same port: the HTTP server's upgrade
 * requests for `path` become sockets. connection_init's `Authorization` is verified once per connection; an
 * unusable token closes it with 4403 and its expiry closes it with 4419 (docs/subscriptions.md). Every
 * operation runs through the same pipeline as `POST /graphql`.
 */
export function serveWebSocket(server: Server, options: WebSocketOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
  const connections = new Set<Connection>();
  const perUser = new Map<string, number>();

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://gateway').pathname;
    if (path !== options.path) return; // another upgrade handler's, or nobody's: Node ends it
    if (!options.accepting()) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  server.on('upgrade', onUpgrade);

  const connectionOf = (ctx: Context<Record<string, unknown> | undefined, Extra>): Connection => {
    const connection = ctx.extra.connection;
    if (!connection) throw new Error('a subscribe before connection_init was accepted');
    return connection;
  };

  const disposer = useServer<Record<string, unknown> | undefined, Extra>(
    {
      connectionInitWaitTimeout: CONNECTION_INIT_TIMEOUT_MS,
      onConnect: async (ctx) => {
        const id = requestIdOf(ctx.extra.request);
        let caller;
        try {
          caller = await callerOf(authorizationParam(ctx.connectionParams), options.verifyAccessToken);
        } catch (error) {
          options.logger.info(
            { requestId: id, reason: (error as Error).message },
            'subscription connection refused: its access token is not valid',
          );
          // graphql-ws closes the socket with 4403 Forbidden.
          return false;
        }
        // A connection costs one request of the caller's budget; a user holds a bounded number of them.
        const refusal =
          (await options.admit(caller.identity, ctx.extra.request.socket.remoteAddress))?.message ??
          (caller.identity && (perUser.get(caller.identity.userId) ?? 0) >= options.maxConnectionsPerUser
            ? `Too many connections: at most ${options.maxConnectionsPerUser} per user; close one first.`
            : undefined);
        if (refusal) {
          options.logger.info({ requestId: id, reason: refusal }, 'subscription connection refused');
          // The first close wins: graphql-ws' own 4403 for `false` is then ignored.
          ctx.extra.socket.close(CloseCode.tryAgainLater, refusal);
          return false;
        }
        // The client may have gone while its token or budget was checked: graphql-ws already ran onClose, which
        // found no connection, so nothing may be counted or kept for it now.
        if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false;
        if (caller.identity)
          perUser.set(caller.identity.userId, (perUser.get(caller.identity.userId) ?? 0) + 1);
        const connection: Connection = {
          id,
          identity: caller.identity,
          expiresAt: caller.expiresAt,
          logger: options.logger.child({ connectionId: id }),
          active: 0,
          live: new Set(),
          closed: new AbortController(),
          expiry: undefined,
        };
        if (caller.expiresAt !== undefined) {
          // setTimeout's limit is ~24.8 days; a token living longer than that is re-checked then.
          const delay = Math.min(Math.max(0, caller.expiresAt - Date.now()), 2_147_483_647);
          connection.expiry = setTimeout(() => {
            for (const live of connection.live) live.closing('tokenExpired');
            ctx.extra.socket.close(CloseCode.tokenExpired, 'Access token expired');
          }, delay);
          connection.expiry.unref();
        }
        ctx.extra.connection = connection;
        connections.add(connection);
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const connection = connectionOf(ctx);
        const requestId = `${connection.id}:${id}`.slice(0, 128);
        const logger = connection.logger.child({ requestId });
        // A client that ignores the 4419 close keeps sending while the socket closes (ws allows that for 30 s):
        // nothing runs on an expired identity.
        if (connection.expiresAt !== undefined && Date.now() >= connection.expiresAt) {
          return [
            new GraphQLError(END_MESSAGES.tokenExpired, {
              extensions: { code: SubscriptionCode.tokenExpired },
            }),
          ];
        }
        const limited = await options.admit(connection.identity, ctx.extra.request.socket.remoteAddress);
        if (limited) return [new GraphQLError(limited.message, { extensions: limited.extensions })];
        const context: RouterContext = {
          requestId,
          logger,
          identity: connection.identity,
          // What the subscribe itself may fetch (a query or mutation over the socket); events have their own.
          deadline: AbortSignal.any([
            connection.closed.signal,
            AbortSignal.timeout(options.requestTimeoutMs),
          ]),
          clientGone: () => connection.closed.signal,
          internalToken: () => options.signInternalToken(connection.identity),
        };
        let outcome;
        try {
          outcome = await options.run(payload, context, {
            transport: 'ws',
            connection,
            credentialsExpireAt: connection.expiresAt,
          });
        } catch (error) {
          // A bug, not the client's: answered on this operation; graphql-ws would close the whole socket (4500).
          logger.error({ err: error }, 'unexpected error while subscribing');
          return [
            new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
          ];
        }
        if ('live' in outcome) {
          connection.live.add(outcome.live);
          const prepared: Prepared = { live: outcome.live };
          return asArgs(outcome.live.spec, prepared);
        }
        if (outcome.refused) {
          // graphql-ws sends these as the operation's `error` message (they are already formatted).
          return (outcome.result.errors ?? []).map(
            (error) => new GraphQLError(error.message, { extensions: error.extensions ?? {} }),
          );
        }
        const prepared: Prepared = { result: outcome.result };
        // `schema` is never read: graphql-ws hands these args to `execute` below, which has the result.
        return { schema: undefined as never, document: ANSWERED, contextValue: prepared };
      },
      // The results are formatted already (onNext passes them on as they are).
      subscribe: (args) =>
        (preparedOf(args).live as AsyncIterable<ExecutionResult> | undefined) ?? answerOf(args),
      execute: answerOf,
      onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
      onComplete: (ctx, _id, _payload) => {
        const connection = ctx.extra.connection;
        if (!connection) return;
        for (const live of connection.live) if (!live.active) connection.live.delete(live);
      },
      onClose: (ctx) => {
        const connection = ctx.extra.connection;
        if (!connection) return;
        clearTimeout(connection.expiry);
        connection.closed.abort();
        connections.delete(connection);
        const userId = connection.identity?.userId;
        if (userId) {
          const left = (perUser.get(userId) ?? 1) - 1;
          if (left > 0) perUser.set(userId, left);
          else perUser.delete(userId);
        }
      },
    },
    wss,
    KEEP_ALIVE_MS,
  );

  return {
    /** Closes every socket with 1001 (retryable: graphql-ws reconnects, to another replica) and stops. */
    async close(): Promise<void> {
      server.off('upgrade', onUpgrade);
      for (const connection of connections) {
        for (const live of connection.live) live.closing('shuttingDown');
      }
      // Every socket is closed with 1001 Going away.
      await disposer.dispose();
    },
    get connections(): number {
      return connections.size;
    },
  };
}

/** A query's or mutation's result is ready: graphql-ws only needs an operation that is not a subscription. */
const ANSWERED = parse('{ __typename }');

const preparedOf = (args: ExecutionArgs): Prepared => args.contextValue as Prepared;
const answerOf = (args: ExecutionArgs) => (preparedOf(args).result ?? {}) as ExecutionResult;

/**
 * graphql-ws decides between `subscribe` and `execute` from the document's operation type, so a planned
 * subscription is given its own document; execution itself never uses it.
 */
function asArgs(spec: LiveSubscription['spec'], prepared: Prepared): ExecutionArgs {
  return {
    schema: spec.schema,
    document: spec.document,
    operationName: spec.requestContext.operationName,
    contextValue: prepared,
  };
}
