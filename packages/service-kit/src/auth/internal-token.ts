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
/** Subscription connections (signStreamToken) are a separate audience, never accepted for a request. */
const STREAM_AUDIENCE = 'supergraph-subgraph-streams';
const STREAM_GRACE_SECONDS = 30;

const claimsSchema = z.object({
  sub: z.uuid().optional(),
  role: z.enum(ROLES).optional(),
});

/** Signs `identity` for one request's subgraph fetches: the token lives TTL_SECONDS. */
export async function signInternalToken(identity: Identity, secret: string): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return sign(identity, secret, { iss: ISSUER, aud: AUDIENCE, iat, exp: iat + TTL_SECONDS });
}

/**
 * Signs `identity` for one subscription connection to a subgraph (its `connection_init`), valid `until` the
 * client's own access token expires (ms since the epoch) plus STREAM_GRACE_SECONDS, so the gateway ends the
 * client's subscription first with its own code; the subgraph closes the connection at that `exp`. Its own
 * audience: a subgraph's HTTP endpoint refuses it, so a copied stream token is no long-lived request token.
 */
export async function signStreamToken(
  identity: Identity,
  secret: string,
  until: number | undefined,
): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  const exp = until === undefined ? iat + TTL_SECONDS : Math.floor(until / 1000) + STREAM_GRACE_SECONDS;
  return sign(identity, secret, { iss: ISSUER, aud: STREAM_AUDIENCE, iat, exp });
}

const sign = (identity: Identity, secret: string, claims: Record<string, unknown>) =>
  signHs256(identity ? { ...claims, sub: identity.userId, role: identity.role } : claims, secret);

/** Returns the forwarded identity of a request, or throws when the token is missing, forged, tampered or expired. */
export async function verifyInternalToken(token: string | undefined, secret: string): Promise<Identity> {
  return identityOf(token, secret, AUDIENCE);
}

/** The identity of a subscription connection's `connection_init` token (signStreamToken), or throws. */
export async function verifyStreamToken(token: string | undefined, secret: string): Promise<Identity> {
  return identityOf(token, secret, STREAM_AUDIENCE);
}

function identityOf(token: string | undefined, secret: string, audience: string): Identity {
  if (!token) throw new Error('missing internal token');
  const payload = verifyHs256(token, secret, { issuer: ISSUER, audience });
  const claims = claimsSchema.parse(payload);
  if (claims.sub && claims.role) return { userId: claims.sub, role: claims.role };
  if (claims.sub || claims.role) throw new Error('internal token carries a partial identity');
  return null;
}
