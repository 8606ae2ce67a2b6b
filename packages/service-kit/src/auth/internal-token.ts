import { SignJWT, jwtVerify } from 'jose';
import { z } from 'zod';
import { ROLES, type Identity } from './identity.ts';

/**
 * The gateway → subgraph trust boundary. The gateway signs the caller's identity into a JWT that lives
 * for seconds, with a secret only the gateway and subgraphs share. Subgraphs refuse any request without a
 * valid one, so a client that reaches a subgraph directly cannot claim to be anybody.
 */
export const INTERNAL_TOKEN_HEADER = 'x-internal-token';
const ISSUER = 'supergraph-gateway';
const AUDIENCE = 'supergraph-subgraphs';
const TTL_SECONDS = 60;

const claimsSchema = z.object({
  sub: z.uuid().optional(),
  role: z.enum(ROLES).optional(),
});

/**
 * Signs `identity` for the subgraphs. A request's token lives TTL_SECONDS; a subscription's connection is
 * signed `until` the client's own access token expires (ms since the epoch), and the subgraph ends it then.
 */
export async function signInternalToken(
  identity: Identity,
  secret: string,
  { until }: { until?: number } = {},
): Promise<string> {
  const jwt = new SignJWT(identity ? { role: identity.role } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(until === undefined ? `${TTL_SECONDS}s` : Math.floor(until / 1000));
  if (identity) jwt.setSubject(identity.userId);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** Returns the forwarded identity, or throws when the token is missing, forged, tampered or expired. */
export async function verifyInternalToken(token: string | undefined, secret: string): Promise<Identity> {
  if (!token) throw new Error('missing internal token');
  const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['HS256'],
  });
  const claims = claimsSchema.parse(payload);
  if (claims.sub && claims.role) return { userId: claims.sub, role: claims.role };
  if (claims.sub || claims.role) throw new Error('internal token carries a partial identity');
  return null;
}
