import { SignJWT } from 'jose';
import { z } from 'zod';
import { JwtInvalid, verifyHs256 } from './hs256.ts';
import { ROLES, type Identity } from './identity.ts';

/**
 * Access tokens are what clients hold: short-lived HS256 JWTs issued by the users service and verified by
 * the gateway. Issuer and audience are pinned so a token minted for something else is never accepted.
 */
export const ACCESS_TOKEN_ISSUER = 'supergraph-users';
export const ACCESS_TOKEN_AUDIENCE = 'supergraph';

const claimsSchema = z.object({ sub: z.uuid(), role: z.enum(ROLES), scope: z.string().optional() });

export interface AccessTokenOptions {
  secret: string;
  ttlSeconds: number;
}

export async function signAccessToken(
  identity: NonNullable<Identity>,
  { secret, ttlSeconds }: AccessTokenOptions,
): Promise<string> {
  return new SignJWT({ role: identity.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(identity.userId)
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(secret));
}

export class InvalidTokenError extends Error {
  readonly reason: 'expired' | 'invalid';
  constructor(reason: 'expired' | 'invalid') {
    super(
      reason === 'expired' ? 'Your session has expired; log in again.' : 'The access token is not valid.',
    );
    this.reason = reason;
  }
}

export async function verifyAccessToken(token: string, secret: string): Promise<NonNullable<Identity>> {
  try {
    const payload = verifyHs256(token, secret, {
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
    });
    const claims = claimsSchema.parse(payload);
    const scopes = claims.scope?.split(' ').filter((scope) => scope !== '');
    return { userId: claims.sub, role: claims.role, ...(scopes?.length ? { scopes } : {}) };
  } catch (error) {
    throw new InvalidTokenError(error instanceof JwtInvalid && error.expired ? 'expired' : 'invalid');
  }
}
