import type { RequestHandler } from 'express';
import { INTERNAL_TOKEN_HEADER } from '../auth/internal-token.ts';
import { createInternalTokenVerifier } from '../auth/token-cache.ts';
import type { Identity } from '../auth/identity.ts';
import type { Logger } from '../logger.ts';
import { recordCaller } from './request-info.ts';

/**
 * Subgraph side of the trust boundary: a request without a valid gateway signature is answered 401 before
 * any GraphQL work. The verified identity is left in `res.locals.identity` for the context builder.
 */
export function requireGatewaySignature(secret: string, logger: Logger): RequestHandler {
  // The gateway reuses a caller's signed token for a while: verify each distinct token once.
  const verify = createInternalTokenVerifier(secret);
  return (req, res, next) => {
    const token = req.headers[INTERNAL_TOKEN_HEADER];
    verify(typeof token === 'string' ? token : undefined).then(
      (identity) => {
        res.locals['identity'] = identity;
        recordCaller(res.locals, identity?.userId);
        next();
      },
      (error: unknown) => {
        logger.warn(
          { requestId: res.locals['requestId'], reason: String(error) },
          'rejected unsigned request',
        );
        res.status(401).json({
          errors: [
            {
              message: 'This service only accepts requests from the gateway.',
              extensions: { code: 'UNAUTHENTICATED' },
            },
          ],
        });
      },
    );
  };
}

export function identityOf(locals: Record<string, unknown>): Identity {
  return (locals['identity'] as Identity | undefined) ?? null;
}
