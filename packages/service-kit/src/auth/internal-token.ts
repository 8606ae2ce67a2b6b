import { z } from 'zod';
import { signHs256, verifyHs256 } from './hs256.ts';
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
  const iat = Math.floor(Date.now() / 1000);
  const exp = until === undefined ? iat + TTL_SECONDS : Math.floor(until / 1000);
  const claims = { iss: ISSUER, aud: AUDIENCE, iat, exp };
  return signHs256(identity ? { ...claims, sub: identity.userId, role: identity.role } : claims, secret);
}

/** Returns the forwarded identity, or throws when the token is missing, forged, tampered or expired. */
export async function verifyInternalToken(token: string | undefined, secret: string): Promise<Identity> {
  if (!token) throw new Error('missing internal token');
  const payload = verifyHs256(token, secret, { issuer: ISSUER, audience: AUDIENCE });
  const claims = claimsSchema.parse(payload);
  if (claims.sub && claims.role) return { userId: claims.sub, role: claims.role };
  if (claims.sub || claims.role) throw new Error('internal token carries a partial identity');
  return null;
}
