import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * Browsers may call the gateway only from the configured origins. Tokens travel in the Authorization
 * header, never in cookies, so credentials are not allowed cross-origin.
 */
export function corsPolicy(origins: readonly string[]): RequestHandler {
  const policy = cors({
    origin: [...origins],
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: [
      'content-type',
      'authorization',
      'apollographql-client-name',
      'apollographql-client-version',
      'x-request-id',
      'apollo-require-preflight',
      // Makes a mutation safe to retry (docs/operations.md).
      'idempotency-key',
    ],
    exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining'],
    credentials: false,
    maxAge: 600,
  });
  // Only browsers send Origin, and a response to a request without one needs no CORS headers: servers and
  // scripts skip the policy's work (a measurable share of a response-cache hit). `Vary: Origin` is not needed
  // either: the gateway's answers are never cacheable by browsers or CDNs (see server.ts).
  return (req, res, next) =>
    req.headers.origin === undefined && req.method !== 'OPTIONS' ? next() : policy(req, res, next);
}
