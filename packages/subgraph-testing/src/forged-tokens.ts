import { createHmac } from 'node:crypto';

/** What a subgraph answers, with HTTP 401, to a request the gateway did not sign. */
export const GATEWAY_REJECTION = {
  errors: [
    {
      message: 'This service only accepts requests from the gateway.',
      extensions: { code: 'UNAUTHENTICATED' },
    },
  ],
};

export const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS256 JWT built by hand, so a test can set any header and claim, including ones jose would refuse to sign. */
export function hs256(
  claims: Record<string, unknown>,
  secret: string,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string {
  const signingInput = `${base64url(header)}.${base64url(claims)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

/** Seconds since the epoch, as JWTs count time. */
export const now = (): number => Math.floor(Date.now() / 1000);

/** The claims the gateway signs (issuer, audience, a minute's validity), with `extra` on top. */
export const gatewayClaims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: 'supergraph-gateway',
  aud: 'supergraph-subgraphs',
  iat: now(),
  exp: now() + 60,
  ...extra,
});
