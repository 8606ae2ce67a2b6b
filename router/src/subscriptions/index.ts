import type { Server } from 'node:http';
import type { ServiceMap } from '@apollo/gateway';
import type { ApolloServer } from '@apollo/server';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import type { Identity } from '@supergraph/service-kit/auth';
import type { Logger } from '@supergraph/service-kit/logger';
import type { RequestHandler } from 'express';
import {
  specifiedRules,
  validate,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { Authorization } from '../authorization/index.ts';
import type { DeferPlanning } from '../defer/planner.ts';
import { createTokenCheck } from '../limits.ts';
import type { SubscriptionMetrics } from '../metrics.ts';
import type { RateLimiter } from '../rate-limit.ts';
import type { RouterContext } from '../request-scope.ts';
import type { TrustedDocuments } from '../trusted-documents/index.ts';
import { prepare, subscriptionExecutor } from './executor.ts';
import type { LiveSubscription } from './live.ts';
import { createOperationRunner } from './operation.ts';
import { createRegistry } from './registry.ts';
import { createEventSharing } from './shared-events.ts';
import { createSseHandler } from './sse.ts';
import { serveWebSocket } from './websocket.ts';

export interface SubscriptionsOptions {
  logger: Logger;
  maxPerConnection: number;
  maxPerUser: number;
  maxTokens: number;
  maxPayloadBytes: number;
  requestTimeoutMs: number;
  /** graphql-armor's rules: a running subscription must still pass them after a supergraph reload. */
  validationRules: readonly ValidationRule[];
  authorization: Authorization;
  trusted: TrustedDocuments | undefined;
  planning: () => DeferPlanning | undefined;
  serviceMap: () => ServiceMap;
  subgraphUrl: (name: string) => string | undefined;
  breakerOpen: (name: string) => boolean;
  verifyAccessToken: (token: string) => Promise<NonNullable<Identity>>;
  signInternalToken: (identity: Identity) => Promise<string>;
  /** Signs a subgraph stream's connection until the client's token expires (see LiveDeps). */
  signStreamToken: (identity: Identity, until: number | undefined) => Promise<string>;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  metrics: SubscriptionMetrics;
  apollo: () => ApolloServer<RouterContext>;
  /** The gateway's rate limit: every operation over a WebSocket counts, as every HTTP request does. */
  admit: RateLimiter['admit'];
}

/**
 * GraphQL subscriptions through the gateway (docs/subscriptions.md): graphql-ws and SSE for clients, the
 * owning subgraph's graphql-ws stream behind each subscription, and the rest of its plan run per event.
 */
export interface Subscriptions {
  /** The gateway Apollo Server is given: subscription operations are planned and handed to the transports. */
  gateway(inner: GatewayInterface): GatewayInterface;
  /** SSE, among the `/graphql` screens (after the token limit). */
  readonly sse: RequestHandler;
  /** Serves graphql-ws on the HTTP server's upgrades to `/graphql`. */
  attach(server: Server): void;
  /** Ends every subscription with a retryable close (WebSocket 1001; SSE a SHUTTING_DOWN result) and stops accepting. */
  drain(): Promise<void>;
  /** Subscriptions running now. */
  readonly active: number;
}

export function createSubscriptions(options: SubscriptionsOptions): Subscriptions {
  const { logger } = options;
  const active = new Set<LiveSubscription>();
  const registry = createRegistry({ perConnection: options.maxPerConnection, perUser: options.maxPerUser });
  const run = createOperationRunner({
    apollo: options.apollo,
    tokenCheck: createTokenCheck(options.maxTokens),
    trusted: options.trusted,
  });
  const liveDeps = {
    serviceMap: options.serviceMap,
    subgraphUrl: options.subgraphUrl,
    signInternalToken: options.signInternalToken,
    signStreamToken: options.signStreamToken,
    requestTimeoutMs: options.requestTimeoutMs,
    formatError: options.formatError,
    metrics: options.metrics,
    share: createEventSharing(),
    ended: (live: LiveSubscription) => active.delete(live),
  };
  const executor = subscriptionExecutor({
    authorization: options.authorization,
    planning: options.planning,
    registry,
    breakerOpen: options.breakerOpen,
    live: liveDeps,
  });
  const sse = createSseHandler({
    logger,
    requestTimeoutMs: options.requestTimeoutMs,
    verifyAccessToken: options.verifyAccessToken,
    signInternalToken: options.signInternalToken,
    run: async (payload, context, slot) => {
      const outcome = await run(payload, context, slot);
      if ('live' in outcome) active.add(outcome.live);
      return outcome;
    },
  });
  let websocket: ReturnType<typeof serveWebSocket> | undefined;
  let accepting = true;

  const rules = [...specifiedRules, ...options.validationRules];
  /** After a supergraph reload: every running subscription is validated and planned again, or ended. */
  const reloaded = (schema: GraphQLSchema) => {
    let kept = 0;
    let ended = 0;
    for (const live of [...active]) {
      const requestContext = { ...live.spec.requestContext, schema };
      let keep = false;
      try {
        if (validate(schema, requestContext.document, rules).length === 0) {
          const prepared = prepare(options, requestContext, live.spec.identity);
          keep =
            'primary' in prepared &&
            live.replan({
              primary: prepared.primary,
              plan: prepared.plan,
              complete: prepared.complete,
              requestContext,
            });
        }
      } catch (error) {
        live.spec.logger.warn({ err: error }, 'a running subscription could not be planned again');
      }
      if (keep) kept += 1;
      else {
        live.end('schemaReload');
        ended += 1;
      }
    }
    if (kept + ended > 0) logger.info({ kept, ended }, 'subscriptions after the supergraph reload');
  };

  return {
    gateway(inner) {
      let current: GraphQLSchema | undefined;
      return {
        async load(loadOptions) {
          const loaded = await inner.load(loadOptions);
          return { ...loaded, executor: loaded.executor && executor(loaded.executor) };
        },
        onSchemaLoadOrUpdate(callback) {
          return inner.onSchemaLoadOrUpdate((update) => {
            const previous = current;
            current = update.apiSchema;
            callback(update);
            if (previous && previous !== current) reloaded(current);
          });
        },
        stop: () => inner.stop(),
      };
    },
    sse: sse.middleware,
    attach(server) {
      websocket = serveWebSocket(server, {
        path: '/graphql',
        maxPayloadBytes: options.maxPayloadBytes,
        logger,
        verifyAccessToken: options.verifyAccessToken,
        signInternalToken: options.signInternalToken,
        accepting: () => accepting,
        admit: options.admit,
        maxConnectionsPerUser: options.maxPerUser,
        requestTimeoutMs: options.requestTimeoutMs,
        run: async (payload, context, slot) => {
          const outcome = await run(payload, context, slot);
          if ('live' in outcome) active.add(outcome.live);
          return outcome;
        },
      });
    },
    async drain() {
      accepting = false;
      sse.close();
      const closing = websocket;
      websocket = undefined;
      await closing?.close();
    },
    get active() {
      return active.size;
    },
  };
}
