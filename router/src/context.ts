import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from '@supergraph/service-kit/auth';
import { recordCaller, type RequestScope } from '@supergraph/service-kit/http';
import { clientGoneOf } from './defer/client-gone.ts';
import { deadlineFor, type RequestScopes, type RouterContext } from './request-scope.ts';

export interface ContextBuilderOptions {
  scopes: RequestScopes;
  /** Signs the identity for subgraphs (reused per caller). */
  signInternalToken: (identity: Identity) => Promise<string>;
  /** The request's execution deadline, counted from when its context is built. */
  requestTimeoutMs: number;
}

/** Builds Apollo's per-request context from the request's scope: its caller, deadline and cache slot. */
export function createContextBuilder({ scopes, signInternalToken, requestTimeoutMs }: ContextBuilderOptions) {
  return async (
    req: IncomingMessage,
    res: Pick<ServerResponse, 'once' | 'writableFinished' | 'destroyed'> & {
      locals: Record<string, unknown>;
    },
    scope: RequestScope,
  ): Promise<RouterContext> => {
    const identity = await scopes.callerOf(req);
    // Read by the shared request log line, so every request is attributed to its caller.
    recordCaller(res.locals, identity?.userId);
    return {
      ...scope,
      identity,
      deadline: deadlineFor(res, requestTimeoutMs),
      clientGone: clientGoneOf(res),
      // The signer reuses a caller's token for 30 s of its 60 s life, so even a long request never forwards
      // an expired one.
      internalToken: () => signInternalToken(identity),
      responseCacheSlot: scopes.cacheSlotOf(req),
    };
  };
}
