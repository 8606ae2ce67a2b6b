import type { ServerResponse } from 'node:http';
import type { Identity } from '@supergraph/service-kit/auth';
import type { Logger } from '@supergraph/service-kit/logger';
import type { RequestHandler } from 'express';
import type { FormattedExecutionResult, GraphQLError } from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/express';
import type { RouterContext } from '../request-scope.ts';
import { callerOf } from './caller.ts';
import type { LiveSubscription } from './live.ts';
import type { OperationRunner } from './operation.ts';
import { paced } from './sse-pacing.ts';

export interface SseOptions {
  logger: Logger;
  verifyAccessToken: (token: string) => Promise<NonNullable<Identity>>;
  signInternalToken: (identity: Identity) => Promise<string>;
  run: OperationRunner;
  /** REQUEST_TIMEOUT_MS: the deadline of the request's own fetches. */
  requestTimeoutMs: number;
}

const EVENT_STREAM = 'text/event-stream';

/**
 * GraphQL over Server-Sent Events (graphql-sse, "distinct connections" mode) at `/graphql`: a request with
 * `Accept: text/event-stream` is answered with an event stream of its operation's results. Mounted among the
 * gateway's screens, so CORS, the rate limit, the body limit, the token limit and trusted documents have
 * applied; its `Authorization` header is verified as for any request and its expiry ends the stream.
 */
export function createSseHandler(options: SseOptions) {
  const streams = new Set<LiveSubscription>();
  const handler = createHandler({
    // Distinct connections only: one stream per request, nothing registered between requests.
    authenticate: () => undefined,
    onSubscribe: async (req, params) => {
      const { subscriptionContext: context } = req.raw as { subscriptionContext?: RouterContext };
      if (!context) throw new Error('an SSE request without its context');
      const expiresAt = (req.raw as { tokenExpiresAt?: number }).tokenExpiresAt;
      const outcome = await options.run(params, context, {
        transport: 'sse',
        connection: { active: 0 },
        credentialsExpireAt: expiresAt,
      });
      // graphql-sse streams a single result only when it has `data` (null for a refusal).
      if (!('live' in outcome)) return { data: null, ...outcome.result } as never;
      const live = outcome.live;
      streams.add(live);
      if (expiresAt !== undefined) {
        const timer = setTimeout(() => live.end('tokenExpired'), Math.max(0, expiresAt - Date.now()));
        timer.unref();
        context.clientGone().addEventListener('abort', () => clearTimeout(timer), { once: true });
      }
      // graphql-sse's express adapter hands its response in the request's context.
      const { res } = req.context as { res: ServerResponse };
      return paced(live, res) as AsyncIterable<never>;
    },
    // Results are formatted already (the gateway's error formatter ran on them).
    onNext: (_ctx, _req, result) => result as FormattedExecutionResult as never,
    onComplete: () => {
      for (const live of streams) if (!live.active) streams.delete(live);
    },
  });

  const middleware: RequestHandler = (req, res, next) => {
    if (req.headers.accept !== EVENT_STREAM || (req.method !== 'POST' && req.method !== 'GET')) return next();
    const requestId = String(res.locals['requestId']);
    const logger = options.logger.child({ requestId });
    callerOf(req.headers.authorization, options.verifyAccessToken).then(
      (caller) => {
        const gone = new AbortController();
        res.once('close', () => gone.abort());
        const context: RouterContext = {
          requestId,
          logger,
          identity: caller.identity,
          // What the request itself may fetch (a query sent as SSE); a subscription's events have their own.
          deadline: AbortSignal.any([gone.signal, AbortSignal.timeout(options.requestTimeoutMs)]),
          clientGone: () => gone.signal,
          internalToken: () => options.signInternalToken(caller.identity),
        };
        Object.assign(req, { subscriptionContext: context, tokenExpiresAt: caller.expiresAt });
        handler(req, res).catch((error: unknown) => {
          logger.error({ err: error }, 'unexpected error in an SSE stream');
          if (res.headersSent) res.destroy();
          else next(error);
        });
      },
      (error: GraphQLError) => {
        res
          .status(401)
          .json({ errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED' } }] });
      },
    );
  };

  return {
    middleware,
    /** Ends every stream with a last SHUTTING_DOWN result (docs/subscriptions.md). */
    close(): void {
      for (const live of streams) live.end('shuttingDown');
    },
  };
}
