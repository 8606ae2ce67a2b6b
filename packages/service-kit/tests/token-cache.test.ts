import { describe, expect, it, vi } from 'vitest';
import {
  createAccessTokenVerifier,
  createInternalTokenSigner,
  createInternalTokenVerifier,
  signAccessToken,
  verifyInternalToken,
} from '@supergraph/service-kit/auth';

const SECRET = 's'.repeat(64);
const GRACE = { userId: '00000000-0000-4000-8000-000000000002', role: 'CUSTOMER' } as const;

describe('token caches', () => {
  it('verify a token once and answer repeats from the cache, never a tampered or foreign token', async () => {
    const verify = createAccessTokenVerifier(SECRET);
    const token = await signAccessToken(GRACE, { secret: SECRET, ttlSeconds: 60 });
    expect(await verify(token)).toEqual(GRACE);
    expect(await verify(token)).toEqual(GRACE);
    const [header, payload, signature] = token.split('.');
    await expect(verify(`${header}.${payload}.${signature!.slice(0, -2)}xx`)).rejects.toThrow();
    await expect(
      verify(await signAccessToken(GRACE, { secret: 'o'.repeat(64), ttlSeconds: 60 })),
    ).rejects.toThrow();
  });

  it('forget a verified token when it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const verify = createAccessTokenVerifier(SECRET);
      const token = await signAccessToken(GRACE, { secret: SECRET, ttlSeconds: 60 });
      expect(await verify(token)).toEqual(GRACE);
      vi.setSystemTime(Date.now() + 61_000);
      await expect(verify(token)).rejects.toMatchObject({ reason: 'expired' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('sign one internal token per caller and reuse it, which subgraphs verify once', async () => {
    const sign = createInternalTokenSigner(SECRET);
    const first = await sign(GRACE);
    expect(await sign(GRACE)).toBe(first);
    expect(await sign(null)).not.toBe(first);
    expect(await verifyInternalToken(first, SECRET)).toEqual(GRACE);
    const verify = createInternalTokenVerifier(SECRET);
    expect(await verify(first)).toEqual(GRACE);
    expect(await verify(first)).toEqual(GRACE);
    expect(await verify(await sign(null))).toBeNull();
    await expect(verify(undefined)).rejects.toThrow('missing internal token');
  });
});
