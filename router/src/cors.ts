import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * Browsers may call the gateway only from the configured origins. Tokens travel in the Authorization
 * header, never in cookies, so credentials are not allowed cross-origin.
 */
export function corsPolicy(origins: readonly string[]): RequestHandler {
  return cors({
    origin: [...origins],
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: [
      'content-type',
      'authorization',
      'apollographql-client-name',
      'apollographql-client-version',
      'x-request-id',
      'apollo-require-preflight',
    ],
    exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining'],
    credentials: false,
    maxAge: 600,
  });
}
