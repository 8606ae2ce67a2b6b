import type { Identity } from '@supergraph/service-kit/auth';
import type { Logger } from '@supergraph/service-kit/logger';
import type { RequestHandler } from 'express';
import { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { RouterEnv } from './env.ts';
import type { RequestScopes } from './request-scope.ts';

export interface RateLimiter {
  middleware: RequestHandler;
  /**
   * Counts one operation of a caller outside HTTP (each operation a WebSocket carries): resolves to undefined
   * when it may run, or to the RATE_LIMITED error that refuses it.
   */
  admit(identity: Identity, address: string | undefined): Promise<RateLimitedError | undefined>;
  close(): Promise<void>;
}

/** The GraphQL error of a refused request: HTTP answers it with 429 and Retry-After, a socket as the operation's error. */
export interface RateLimitedError {
  message: string;
  extensions: { code: 'RATE_LIMITED'; retryAfterSeconds: number };
}

const refusal = (rejection: RateLimiterRes): RateLimitedError => {
  const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
  return {
    message: `Too many requests: retry after ${retryAfterSeconds} seconds.`,
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
  };
};

/** A logged-in client is counted by user id, so changing address does not reset its budget. */
const keyOf = (identity: Identity, address: string | undefined): string =>
  identity ? `user:${identity.userId}` : `ip:${address ?? 'unknown'}`;

/**
 * Per-client request budget, shared by every gateway replica through Redis. A logged-in client is counted by
 * user id (so changing IP does not reset it), an anonymous one by IP. If Redis is unreachable the limiter
 * falls back to a per-process budget rather than failing every request: availability over strictness.
 */
export function createRateLimiter(env: RouterEnv, logger: Logger, scopes: RequestScopes): RateLimiter {
  const options = { points: env.RATE_LIMIT_POINTS, duration: env.RATE_LIMIT_WINDOW_SECONDS };
  const memory = new RateLimiterMemory(options);
  let redis: Redis | undefined;
  let limiter: RateLimiterAbstract = memory;
  if (env.REDIS_URL) {
    // A command that hangs (a blocked or partitioned Redis) times out and falls to the in-process budget.
    redis = new Redis(env.REDIS_URL, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 100,
    });
    redis.on('error', (error: Error) =>
      logger.warn({ err: error.message }, 'rate limiter: redis unavailable'),
    );
    limiter = new RateLimiterRedis({
      ...options,
      storeClient: redis,
      keyPrefix: `${env.REDIS_KEY_PREFIX}:rate`,
      insuranceLimiter: memory,
    });
  } else {
    logger.info('rate limiter: REDIS_URL unset, counting per process');
  }

  const clientKey = async (req: Parameters<RequestHandler>[0]): Promise<string> => {
    let identity: Identity = null;
    try {
      identity = await scopes.callerOf(req);
    } catch {
      // An invalid token is refused later with 401; count it against the address that sent it.
    }
    return keyOf(identity, req.socket.remoteAddress);
  };

  const middleware: RequestHandler = (req, res, next) => {
    if (req.method === 'OPTIONS') return next();
    clientKey(req)
      .then((key) => limiter.consume(key))
      .then(
        (result) => {
          res.setHeader('RateLimit-Limit', String(env.RATE_LIMIT_POINTS));
          res.setHeader('RateLimit-Remaining', String(result.remainingPoints));
          next();
        },
        (rejection: unknown) => {
          if (!(rejection instanceof RateLimiterRes)) return next(rejection);
          const error = refusal(rejection);
          res.setHeader('Retry-After', String(error.extensions.retryAfterSeconds));
          res.status(429).json({ errors: [error] });
        },
      );
  };

  return {
    middleware,
    admit: (identity, address) =>
      limiter.consume(keyOf(identity, address)).then(
        () => undefined,
        (rejection: unknown) => {
          if (rejection instanceof RateLimiterRes) return refusal(rejection);
          // Availability over strictness, as the insurance budget above: an operation is never lost to the limiter.
          logger.warn({ err: rejection }, 'rate limiter failed; the operation is admitted');
          return undefined;
        },
      ),
    async close() {
      await redis?.quit().catch(() => redis?.disconnect());
    },
  };
}
