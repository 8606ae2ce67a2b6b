import { decodeJwt } from 'jose';
import { signInternalToken, verifyInternalToken } from './internal-token.ts';
import { verifyAccessToken } from './access-token.ts';
import type { Identity } from './identity.ts';

/**
 * HMAC-JWT work is a large share of the gateway's CPU per request (measured by `npm run bench`: a jose
 * verify or sign through WebCrypto costs ~130 µs). The same tokens come back request after request, so their
 * verified identity is kept until the token expires (at most `maxAgeMs`). Only successful verifications are
 * kept, keyed by the exact token string: a different, forged or tampered token never matches an entry.
 */
class ExpiringCache<V> {
  readonly #entries = new Map<string, { value: V; until: number }>();
  readonly #max: number;
  constructor(max: number) {
    this.#max = max;
  }
  get(key: string, now: number): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }
  delete(key: string): void {
    this.#entries.delete(key);
  }
  set(key: string, value: V, until: number): void {
    // Insertion order is age order: when full, drop the oldest entry.
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { value, until });
  }
}

function expiryOf(token: string, maxAgeMs: number, now: number): number {
  const exp = decodeJwt(token).exp;
  return Math.min(now + maxAgeMs, typeof exp === 'number' ? exp * 1000 : now);
}

/** `verifyAccessToken` with a cache of tokens already verified. */
export function createAccessTokenVerifier(secret: string, { max = 10_000, maxAgeMs = 60_000 } = {}) {
  const cache = new ExpiringCache<NonNullable<Identity>>(max);
  return async (token: string): Promise<NonNullable<Identity>> => {
    const now = Date.now();
    const hit = cache.get(token, now);
    if (hit) return hit;
    const identity = await verifyAccessToken(token, secret);
    cache.set(token, identity, expiryOf(token, maxAgeMs, now));
    return identity;
  };
}

/** `verifyInternalToken` with a cache: the gateway reuses one signed token per caller for up to 30 s. */
export function createInternalTokenVerifier(secret: string, { max = 10_000, maxAgeMs = 60_000 } = {}) {
  const cache = new ExpiringCache<Identity>(max);
  return async (token: string | undefined): Promise<Identity> => {
    const now = Date.now();
    if (token) {
      const hit = cache.get(token, now);
      if (hit !== undefined) return hit;
    }
    const identity = await verifyInternalToken(token, secret);
    cache.set(token!, identity, expiryOf(token!, maxAgeMs, now));
    return identity;
  };
}

/**
 * Signs the gateway → subgraph token once per caller and reuses it for `reuseMs` (less than its 60 s life,
 * so a request never forwards an expired one). The token only restates an identity the gateway verified.
 */
export function createInternalTokenSigner(secret: string, { max = 10_000, reuseMs = 30_000 } = {}) {
  const cache = new ExpiringCache<Promise<string>>(max);
  return (identity: Identity): Promise<string> => {
    const key = identity ? `${identity.userId}:${identity.role}` : 'anonymous';
    const now = Date.now();
    const hit = cache.get(key, now);
    if (hit) return hit;
    const signed = signInternalToken(identity, secret);
    cache.set(key, signed, now + reuseMs);
    // A failed signature is not kept.
    signed.catch(() => cache.delete(key));
    return signed;
  };
}

/**
 * When a token verified a moment ago (an access token, an internal token) expires, in ms since the epoch, or
 * undefined when it carries no `exp`: a long-lived connection (a subscription) is ended then. Reads the claim
 * without checking the signature.
 */
export function tokenExpiry(token: string): number | undefined {
  const exp = decodeJwt(token).exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}
