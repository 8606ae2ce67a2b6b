import type { IncomingMessage } from 'node:http';
import { signInternalToken, type Identity, type RequestScope } from '@supergraph/service-kit';
import { identityFromAuthorization } from './bearer-identity.ts';

/** What every resolver and subgraph fetch of one client request shares. */
export interface RouterContext extends RequestScope {
  identity: Identity;
  /** The signed `x-internal-token` for this request: signed on first use, then reused by every subgraph fetch. */
  internalToken: () => Promise<string>;
  /** Aborts when the request's execution deadline passes: every subgraph fetch still running is cancelled. */
  deadline: AbortSignal;
}

export interface ContextSecrets {
  jwtSecret: string;
  internalSecret: string;
  /** The request's execution deadline, counted from when its context is built; default 15 s. */
  requestTimeoutMs?: number;
}

/** Builds the per-request context: verifies the bearer token once, and prepares the identity for subgraphs. */
export function createContextBuilder({ jwtSecret, internalSecret, requestTimeoutMs = 15_000 }: ContextSecrets) {
  return async (
    req: IncomingMessage,
    res: { locals: Record<string, unknown> },
    scope: RequestScope,
  ): Promise<RouterContext> => {
    const identity = await identityFromAuthorization(req.headers.authorization, jwtSecret);
    // Read by the shared request log line, so every request is attributed to its caller.
    res.locals['callerId'] = identity?.userId;
    // The internal token lives 60 s; re-sign after 30 s so a long request never forwards an expired one.
    let signed: { token: Promise<string>; at: number } | undefined;
    return {
      ...scope,
      identity,
      deadline: AbortSignal.timeout(requestTimeoutMs),
      internalToken: () => {
        if (!signed || Date.now() - signed.at > 30_000) {
          signed = { token: signInternalToken(identity, internalSecret), at: Date.now() };
        }
        return signed.token;
      },
    };
  };
}
