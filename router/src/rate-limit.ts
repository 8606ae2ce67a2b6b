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
  close(): Promise<void>;
}

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
    try {
      const identity = await scopes.callerOf(req);
      if (identity) return `user:${identity.userId}`;
    } catch {
      // An invalid token is refused later with 401; count it against the address that sent it.
    }
    return `ip:${req.socket.remoteAddress ?? 'unknown'}`;
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
          const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
          res.setHeader('Retry-After', String(retryAfter));
          res.status(429).json({
            errors: [
              {
                message: `Too many requests: retry after ${retryAfter} seconds.`,
                extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter },
              },
            ],
          });
        },
      );
  };

  return {
    middleware,
    async close() {
      await redis?.quit().catch(() => redis?.disconnect());
    },
  };
}
