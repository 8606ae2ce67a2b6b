import { recordAnsweredFromCache, recordCaller } from '@supergraph/service-kit/http';
import type { Request, RequestHandler } from 'express';
import Negotiator from 'negotiator';
import { callerKeyOf, type RequestScopes } from '../request-scope.ts';
import { cacheKeyOf, type KeyScope } from './key.ts';
import type { AnswerStore } from './store.ts';

export type LookupResult = 'hit' | 'miss' | 'bypass';

// The two media types Apollo answers a single result with; anything else (multipart, a callback spec, an
// Accept header it would refuse with 406) is left to Apollo. The trusted documents' fast path answers the same.
const JSON_TYPE = 'application/json; charset=utf-8';
const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json; charset=utf-8';
const CALLBACK_TYPE = 'application/json; callbackSpec=1.0; charset=utf-8';

export function mediaTypeFor(accept: string | undefined): string | undefined {
  if (!accept) return JSON_TYPE;
  // The same preference order as Apollo Server's own choice, so a hit has the content type a miss would.
  const preferred = new Negotiator({ headers: { accept } }).mediaType([
    JSON_TYPE,
    GRAPHQL_RESPONSE_TYPE,
    CALLBACK_TYPE,
  ]);
  return preferred === JSON_TYPE || preferred === GRAPHQL_RESPONSE_TYPE ? preferred : undefined;
}

export interface FrontOptions {
  store: AnswerStore;
  scope: () => KeyScope;
  /** The request's caller (throws for a token that is not valid), and where its cache slot is noted. */
  scopes: RequestScopes;
  counted: (result: LookupResult) => void;
}

/**
 * Answers a repeated query before Apollo sees it. A stored answer exists only for a request Apollo executed in
 * full (every limit, validation and authorisation check passed, no errors, cacheable by the subgraphs' hints),
 * and the key holds everything that decides it: the exact document, operation name and variables, the caller,
 * the schema, the limits and the generation. So a hit skips parsing, validation, cost analysis, planning and
 * execution, and costs one lookup. Everything else passes through to Apollo, which the writer plugin lets
 * store its answer under the key and generation noted here.
 */
export function responseCacheFront({ store, scope, scopes, counted }: FrontOptions): RequestHandler {
  // Resolves to the stored answer, or undefined when Apollo must answer (noting the slot for its writer).
  const find = async (req: Request, locals: Record<string, unknown>) => {
    const identity = await scopes.callerOf(req);
    const caller = callerKeyOf(identity);
    const key = cacheKeyOf(req.body, caller, scope());
    if (!key) return undefined;
    const lookup = await store.lookup(key);
    if (!lookup) {
      counted('bypass');
      return undefined;
    }
    scopes.setCacheSlot(req, { key, generation: lookup.generation, caller });
    counted(lookup.answer ? 'hit' : 'miss');
    if (lookup.answer) recordCaller(locals, identity?.userId);
    return lookup.answer;
  };

  return (req, res, next) => {
    const mediaType = req.method === 'POST' ? mediaTypeFor(req.headers.accept) : undefined;
    if (!mediaType) return next();
    find(req, res.locals)
      .then(
        (answer) => {
          if (!answer) return next();
          recordAnsweredFromCache(res.locals, answer.operationName);
          res.statusCode = 200;
          res.setHeader('content-type', mediaType);
          res.setHeader('content-length', Buffer.byteLength(answer.body));
          res.setHeader('age', String(Math.max(0, Math.floor((Date.now() - answer.storedAt) / 1000))));
          res.end(answer.body);
        },
        // A token that is not valid, or a store that failed: Apollo answers (with the 401, or uncached).
        () => next(),
      )
      .catch((error: unknown) => res.destroy(error as Error)); // writing the hit failed: nothing left to answer
  };
}
