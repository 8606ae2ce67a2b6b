import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from '@supergraph/service-kit/auth';
import type { RequestScope } from '@supergraph/service-kit/http';
import type { Logger } from '@supergraph/service-kit/logger';
import { identityFromAuthorization } from './bearer-identity.ts';

/**
 * What one client request carries through the gateway, in one place: the caller (its token parsed and
 * verified once, whichever of the rate limiter, the response cache and the context asks first), the caller's
 * key, the response cache's slot, the deadline and the request id. State is keyed by the request object, so
 * there are no string keys in `res.locals` for another module to misspell.
 */

/** What every resolver and subgraph fetch of one client request shares (Apollo's `contextValue`). */
export interface RouterContext extends RequestScope {
  identity: Identity;
  /** The signed `x-internal-token` for this request: signed on first use, then reused by every subgraph fetch. */
  internalToken: () => Promise<string>;
  /** Aborts when the request's execution deadline passes: every subgraph fetch still running is cancelled. */
  deadline: AbortSignal;
  /** Aborts when the client goes away before its response is complete; made on first ask (defer/client-gone.ts). */
  clientGone: () => AbortSignal;
  /** The response cache's lookup for this request (its key and generation), when the cache is on and looked. */
  responseCacheSlot?: CacheSlot | undefined;
}

/** What a request's response-cache lookup left for the writer: the key and the generation current when it began. */
export interface CacheSlot {
  key: string;
  generation: string;
  caller: string;
}

/** A stable name for a caller: cached answers and shared fetches are never shared between two of them. */
export const callerKeyOf = (identity: Identity): string =>
  identity
    ? `${identity.userId}:${identity.role}${identity.scopes ? `:${[...identity.scopes].sort().join(' ')}` : ''}`
    : 'anonymous';

export interface RequestScopes {
  /**
   * The caller behind the request's Authorization header, parsed and verified on first ask and remembered for
   * the request; rejects (401 UNAUTHENTICATED) for a header that is there but unusable.
   */
  callerOf(req: IncomingMessage): Promise<Identity>;
  /** Notes the response cache's slot for the request. */
  setCacheSlot(req: IncomingMessage, slot: CacheSlot): void;
  cacheSlotOf(req: IncomingMessage): CacheSlot | undefined;
}

export function createRequestScopes(
  verifyAccessToken: (token: string) => Promise<NonNullable<Identity>>,
): RequestScopes {
  const callers = new WeakMap<IncomingMessage, Promise<Identity>>();
  const cacheSlots = new WeakMap<IncomingMessage, CacheSlot>();
  return {
    callerOf(req) {
      let caller = callers.get(req);
      if (!caller) {
        caller = identityFromAuthorization(req.headers.authorization, verifyAccessToken);
        // Each asker handles the rejection its own way; none may leave it unhandled.
        caller.catch(() => {});
        callers.set(req, caller);
      }
      return caller;
    },
    setCacheSlot: (req, slot) => void cacheSlots.set(req, slot),
    cacheSlotOf: (req) => cacheSlots.get(req),
  };
}

/**
 * Aborts `timeoutMs` from now. Its timer is released as soon as the response has been sent: an
 * AbortSignal.timeout would keep the signal, and whatever still listens to it, alive for the whole timeout
 * after the request ended. A client that went away does not end the request early: what it started (a
 * mutation's fetches) still runs to completion or to the deadline.
 */
export function deadlineFor(
  res: Pick<ServerResponse, 'once' | 'writableFinished'>,
  timeoutMs: number,
): AbortSignal {
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

/** What the data source knows about one subgraph fetch and the fetcher needs. */
export interface SubgraphCall {
  /** Aborts when the client request's deadline passes. */
  deadline: AbortSignal | undefined;
  /** A query may be sent twice; a mutation never is. */
  idempotent: boolean;
  /** The request's logger (it carries the request id); the gateway's when absent. */
  logger?: Logger;
  /** Who is calling (callerKeyOf): identical idempotent fetches of one caller may be shared. */
  identity?: string;
  /** The response-cache generation the request read, if any: fetches are shared only within one. */
  generation?: string | undefined;
}

/**
 * The current fetch's part of the request scope, from the data source's `process` into the fetcher: Apollo
 * calls a data source's fetcher with only a URL and a request init, and one fetcher serves every request.
 * The only AsyncLocalStorage in the gateway: every other step receives the request or its context.
 */
export const subgraphCall = new AsyncLocalStorage<SubgraphCall>();
