import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createAccessTokenVerifier,
  createInternalTokenSigner,
  type Identity,
} from '@supergraph/service-kit/auth';
import { type RequestScope } from '@supergraph/service-kit/http';
import { identityFromAuthorization } from './bearer-identity.ts';
import { cacheSlotOf, type CacheSlot } from './response-cache/index.ts';

/** What every resolver and subgraph fetch of one client request shares. */
export interface RouterContext extends RequestScope {
  identity: Identity;
  /** The signed `x-internal-token` for this request: signed on first use, then reused by every subgraph fetch. */
  internalToken: () => Promise<string>;
  /** Aborts when the request's execution deadline passes: every subgraph fetch still running is cancelled. */
  deadline: AbortSignal;
  /** The response cache's lookup for this request (its key and generation), when the cache is on and looked. */
  responseCacheSlot?: CacheSlot | undefined;
}

export interface ContextSecrets {
  jwtSecret: string;
  internalSecret: string;
  /** The request's execution deadline, counted from when its context is built; default 15 s. */
  requestTimeoutMs?: number;
  /** Verifies client access tokens (cached); built from `jwtSecret` when not given. */
  verifyAccessToken?: (token: string) => Promise<NonNullable<Identity>>;
  /** Signs the identity for subgraphs (reused per caller); built from `internalSecret` when not given. */
  signInternalToken?: (identity: Identity) => Promise<string>;
}

/** Builds the per-request context: verifies the bearer token once, and prepares the identity for subgraphs. */
export function createContextBuilder({
  jwtSecret,
  internalSecret,
  requestTimeoutMs = 15_000,
  verifyAccessToken = createAccessTokenVerifier(jwtSecret),
  signInternalToken = createInternalTokenSigner(internalSecret),
}: ContextSecrets) {
  return async (
    req: IncomingMessage,
    res: Pick<ServerResponse, 'once' | 'writableFinished'> & { locals: Record<string, unknown> },
    scope: RequestScope,
  ): Promise<RouterContext> => {
    const identity = await identityFromAuthorization(req.headers.authorization, verifyAccessToken);
    // Read by the shared request log line, so every request is attributed to its caller.
    res.locals['callerId'] = identity?.userId;
    return {
      ...scope,
      identity,
      deadline: deadlineFor(res, requestTimeoutMs),
      // The signer reuses a caller's token for 30 s of its 60 s life, so even a long request never forwards
      // an expired one.
      internalToken: () => signInternalToken(identity),
      responseCacheSlot: cacheSlotOf(res.locals),
    };
  };
}

/**
 * Aborts `timeoutMs` from now. Its timer is released as soon as the response has been sent: an
 * AbortSignal.timeout would keep the signal, and whatever still listens to it, alive for the whole timeout
 * after the request ended. A client that went away does not end the request early: what it started (a
 * mutation's fetches) still runs to completion or to the deadline.
 */
function deadlineFor(res: Pick<ServerResponse, 'once' | 'writableFinished'>, timeoutMs: number): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The request ran out of time.', 'TimeoutError')),
    timeoutMs,
  );
  timer.unref();
  res.once('close', () => {
    if (res.writableFinished) clearTimeout(timer);
  });
  return controller.signal;
}
