import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HS256 JWTs signed and verified with node:crypto's synchronous HMAC. jose goes through WebCrypto, whose
 * every call is an async job costing ~35–45 µs of CPU where the HMAC itself takes ~4 µs (docs/performance.md,
 * Levers); the gateway signs and verifies per caller, so that overhead was a visible share of its CPU. The
 * checks are jose's for the options we use: the algorithm pinned, the signature compared in constant time,
 * then issuer, audience, `exp` and `nbf` (no clock tolerance), `iat` a number when present.
 */
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

export class JwtInvalid extends Error {
  readonly expired: boolean;
  constructor(message: string, expired = false) {
    super(message);
    this.expired = expired;
  }
}

export interface Hs256Claims {
  readonly [claim: string]: unknown;
}

const hmac = (input: string, secret: string) => createHmac('sha256', secret).update(input);

/** Signs `claims` (iss, aud, iat, exp… set by the caller) as a compact HS256 JWT. */
export function signHs256(claims: Hs256Claims, secret: string): string {
  const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${hmac(input, secret).digest('base64url')}`;
}

function jsonObject(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new JwtInvalid(`the token's ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new JwtInvalid(`the token's ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

const numericOrAbsent = (payload: Record<string, unknown>, claim: string) => {
  const value = payload[claim];
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value)))
    throw new JwtInvalid(`the token's "${claim}" claim is not a number`);
  return value as number | undefined;
};

/**
 * The payload of a compact HS256 JWT signed with `secret` for `issuer` and `audience`, still valid at `nowMs`;
 * throws JwtInvalid (`expired` set for a token past its `exp`) otherwise.
 */
export function verifyHs256(
  token: string,
  secret: string,
  { issuer, audience, nowMs = Date.now() }: { issuer: string; audience: string; nowMs?: number },
): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtInvalid('the token is not a compact JWS');
  const [header, payload, signature] = parts as [string, string, string];
  const protectedHeader = jsonObject(header, 'header');
  // jose refuses `crit` extensions it does not know and unencoded payloads (`b64`); we know none.
  if (protectedHeader['alg'] !== 'HS256' || 'crit' in protectedHeader || 'b64' in protectedHeader)
    throw new JwtInvalid('the token is not signed with HS256');
  const given = Buffer.from(signature, 'base64url');
  const expected = hmac(`${header}.${payload}`, secret).digest();
  // The re-encoding check refuses a signature that decodes to the right bytes from another text.
  if (
    given.length !== expected.length ||
    !timingSafeEqual(given, expected) ||
    given.toString('base64url') !== signature
  )
    throw new JwtInvalid('the token’s signature does not verify');
  const claims = jsonObject(payload, 'payload');
  if (claims['iss'] !== issuer) throw new JwtInvalid('the token was issued by someone else');
  const aud = claims['aud'];
  if (!(aud === audience || (Array.isArray(aud) && aud.includes(audience))))
    throw new JwtInvalid('the token is meant for someone else');
  const now = Math.floor(nowMs / 1000);
  numericOrAbsent(claims, 'iat');
  const nbf = numericOrAbsent(claims, 'nbf');
  if (nbf !== undefined && nbf > now) throw new JwtInvalid('the token is not valid yet');
  const exp = numericOrAbsent(claims, 'exp');
  if (exp !== undefined && exp <= now) throw new JwtInvalid('the token has expired', true);
  return claims;
}
