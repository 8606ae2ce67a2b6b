import { createHmac } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { JwtInvalid, signHs256, verifyHs256 } from '../src/auth/hs256.ts';

const SECRET = 's'.repeat(64);
const KEY = new TextEncoder().encode(SECRET);
const FOR = { issuer: 'iss-a', audience: 'aud-a' };
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A token with any header and payload, correctly signed with SECRET. */
const handMade = (header: unknown, payload: unknown) => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
};
const valid = () => ({ iss: 'iss-a', aud: 'aud-a', iat: now(), exp: now() + 60, sub: 'u1' });
const refused = (token: string) => {
  try {
    verifyHs256(token, SECRET, FOR);
  } catch (error) {
    return error as JwtInvalid;
  }
  throw new Error('accepted');
};

describe('HS256 tokens signed and verified with node:crypto', () => {
  it('are the tokens jose signs and verifies, both ways', async () => {
    const ours = signHs256(valid(), SECRET);
    const { payload } = await jwtVerify(ours, KEY, { ...FOR, algorithms: ['HS256'] });
    expect(payload).toEqual(valid());
    const theirs = await new SignJWT({ role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('iss-a')
      .setAudience(['aud-a', 'other'])
      .setSubject('u2')
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(KEY);
    expect(verifyHs256(theirs, SECRET, FOR)).toMatchObject({ sub: 'u2', role: 'ADMIN' });
  });

  it('refuse another secret, a tampered payload or signature, and a malformed token', () => {
    const token = signHs256(valid(), SECRET);
    expect(() => verifyHs256(token, 't'.repeat(64), FOR)).toThrow(JwtInvalid);
    const [header, , signature] = token.split('.');
    expect(refused(`${header}.${b64({ ...valid(), sub: 'admin' })}.${signature}`)).toBeInstanceOf(JwtInvalid);
    expect(refused(`${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`)).toBeInstanceOf(JwtInvalid);
    expect(refused(`${token}=`)).toBeInstanceOf(JwtInvalid);
    expect(refused(`${token}.x`)).toBeInstanceOf(JwtInvalid);
    expect(refused('not a token')).toBeInstanceOf(JwtInvalid);
    expect(refused(handMade({ alg: 'HS256' }, [1, 2]))).toBeInstanceOf(JwtInvalid);
  });

  it('refuse every algorithm but HS256, and extensions they do not know', () => {
    const unsigned = `${b64({ alg: 'none' })}.${b64(valid())}.`;
    expect(refused(unsigned).message).toMatch(/HS256/);
    expect(refused(handMade({ alg: 'none' }, valid())).message).toMatch(/HS256/);
    expect(refused(handMade({ alg: 'HS384' }, valid())).message).toMatch(/HS256/);
    expect(refused(handMade({ alg: 'HS256', crit: ['exp'] }, valid())).message).toMatch(/HS256/);
    expect(refused(handMade({ alg: 'HS256', b64: false }, valid())).message).toMatch(/HS256/);
  });

  it('refuse another issuer or audience, a token not valid yet, and non-numeric times', () => {
    expect(refused(handMade({ alg: 'HS256' }, { ...valid(), iss: 'other' })).message).toMatch(/issued/);
    expect(refused(handMade({ alg: 'HS256' }, { ...valid(), aud: 'other' })).message).toMatch(/meant/);
    expect(refused(handMade({ alg: 'HS256' }, { ...valid(), aud: undefined })).message).toMatch(/meant/);
    expect(refused(handMade({ alg: 'HS256' }, { ...valid(), nbf: now() + 30 })).message).toMatch(
      /not valid yet/,
    );
    expect(refused(handMade({ alg: 'HS256' }, { ...valid(), exp: String(now() + 60) })).message).toMatch(
      /not a number/,
    );
    expect(refused(handMade({ alg: 'HS256' }, { ...valid(), iat: 'now' })).message).toMatch(/not a number/);
  });

  it('say a token past its exp has expired, from that second on', () => {
    const at = now();
    const token = handMade({ alg: 'HS256', typ: 'JWT' }, { ...valid(), exp: at });
    expect(verifyHs256(token, SECRET, { ...FOR, nowMs: (at - 1) * 1000 })).toMatchObject({ exp: at });
    expect(() => verifyHs256(token, SECRET, { ...FOR, nowMs: at * 1000 })).toThrow(
      expect.objectContaining({ expired: true }),
    );
    expect(refused(handMade({ alg: 'HS256' }, { ...valid(), iss: 'other' })).expired).toBe(false);
  });
});
