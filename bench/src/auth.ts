import { randomBytes } from 'node:crypto';
import { signAccessToken, signInternalToken, type Identity } from '@supergraph/service-kit/auth';

/** The two secrets every service of a run shares; generated per run, never stored. */
export interface BenchSecrets {
  JWT_SECRET: string;
  INTERNAL_SECRET: string;
}

export function benchSecrets(): BenchSecrets {
  return { JWT_SECRET: randomBytes(32).toString('hex'), INTERNAL_SECRET: randomBytes(32).toString('hex') };
}

/** What a client of our gateway or the monolith sends: a bearer access token, valid for the whole run. */
export async function bearerHeaders(
  secrets: BenchSecrets,
  identity: NonNullable<Identity>,
): Promise<Record<string, string>> {
  const token = await signAccessToken(identity, { secret: secrets.JWT_SECRET, ttlSeconds: 12 * 3600 });
  return { authorization: `Bearer ${token}` };
}

/**
 * A signed `x-internal-token` for `identity`, re-signed when 30 s old (the token lives 60 s), the way our own
 * gateway reuses one per request. The bare gateways (Hive, plain Apollo) forward it on every subgraph fetch;
 * they verify no client token, so everything they send is sent as this identity.
 */
export function internalTokenSource(
  secret: string,
  identity: Identity,
  maxAgeMs = 30_000,
): () => Promise<string> {
  let signed: { token: Promise<string>; at: number } | undefined;
  return () => {
    if (!signed || Date.now() - signed.at > maxAgeMs) {
      signed = { token: signInternalToken(identity, secret), at: Date.now() };
    }
    return signed.token;
  };
}
