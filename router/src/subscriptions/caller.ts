import { tokenExpiry, type Identity } from '@supergraph/service-kit/auth';
import { identityFromAuthorization } from '../bearer-identity.ts';

/** Who holds a subscription connection, and until when their access token is good. */
export interface ConnectionCaller {
  identity: Identity;
  /** ms since the epoch; undefined for an anonymous caller. */
  expiresAt: number | undefined;
}

/**
 * The caller behind an `Authorization` value (graphql-ws connectionParams, or the SSE request's header),
 * verified as the query path verifies it: absent is anonymous, present but unusable throws UNAUTHENTICATED.
 */
export async function callerOf(
  authorization: string | undefined,
  verify: (token: string) => Promise<NonNullable<Identity>>,
): Promise<ConnectionCaller> {
  const identity = await identityFromAuthorization(authorization, verify);
  const token = identity ? authorization?.trim().split(/ +/)[1] : undefined;
  return { identity, expiresAt: token ? tokenExpiry(token) : undefined };
}

/**
 * The `Authorization` value of graphql-ws connectionParams: `{ Authorization: "Bearer …" }` as Apollo Client
 * sends it (any case), or nested under `headers` as Apollo Sandbox's connection settings do.
 */
export function authorizationParam(
  params: Readonly<Record<string, unknown>> | undefined,
): string | undefined {
  if (!params) return undefined;
  const headers = params['headers'];
  for (const source of [params, headers && typeof headers === 'object' ? headers : {}]) {
    for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
      if (key.toLowerCase() === 'authorization' && typeof value === 'string') return value;
    }
  }
  return undefined;
}
