import { describe, expect, it } from 'vitest';
import {
  InvalidTokenError,
  signAccessToken,
  signInternalToken,
  verifyAccessToken,
  verifyInternalToken,
} from '@supergraph/service-kit/auth';

const SECRET = 'a'.repeat(64);
const ADA = { userId: '00000000-0000-4000-8000-000000000001', role: 'ADMIN' } as const;

describe('access tokens', () => {
  it('verify to the identity they were signed for', async () => {
    const token = await signAccessToken(ADA, { secret: SECRET, ttlSeconds: 60 });
    expect(await verifyAccessToken(token, SECRET)).toEqual(ADA);
  });
  it('refuse another secret, tampering and expiry', async () => {
    const token = await signAccessToken(ADA, { secret: SECRET, ttlSeconds: 60 });
    await expect(verifyAccessToken(token, 'b'.repeat(64))).rejects.toEqual(new InvalidTokenError('invalid'));
    const [header, , signature] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ sub: ADA.userId, role: 'ADMIN', exp: 9e9 })).toString(
      'base64url',
    );
    await expect(verifyAccessToken(`${header}.${forgedPayload}.${signature}`, SECRET)).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
    const expired = await signAccessToken(ADA, { secret: SECRET, ttlSeconds: -10 });
    await expect(verifyAccessToken(expired, SECRET)).rejects.toMatchObject({ reason: 'expired' });
  });
  it('are not accepted as internal tokens (different issuer and audience)', async () => {
    const token = await signAccessToken(ADA, { secret: SECRET, ttlSeconds: 60 });
    await expect(verifyInternalToken(token, SECRET)).rejects.toThrow();
  });
});

describe('internal tokens', () => {
  it('carry an identity or an anonymous caller', async () => {
    expect(await verifyInternalToken(await signInternalToken(ADA, SECRET), SECRET)).toEqual(ADA);
    expect(await verifyInternalToken(await signInternalToken(null, SECRET), SECRET)).toBeNull();
  });
  it('refuse a missing token and another secret', async () => {
    await expect(verifyInternalToken(undefined, SECRET)).rejects.toThrow('missing internal token');
    await expect(verifyInternalToken(await signInternalToken(ADA, 'c'.repeat(64)), SECRET)).rejects.toThrow();
  });
});
