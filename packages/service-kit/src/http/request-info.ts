import type { ApolloServerPlugin, BaseContext, GraphQLResponse } from '@apollo/server';
import type { Span } from '@opentelemetry/api';
import { getOperationAST } from 'graphql';

/**
 * What one `/graphql` request turned out to be, for its log line, its metrics and its span: filled by the
 * Apollo plugin below while GraphQL runs, or from the refusal body when the request never reached GraphQL.
 */
export interface RequestInfo {
  /** The HTTP server span of the request, when tracing is on. */
  span: Span | undefined;
  /** The operation Apollo resolved: its name, or null for an anonymous one. Undefined until resolved. */
  operationName?: string | null;
  /** The code of the first error in the response; undefined for a response without errors. */
  errorCode?: string;
  /** GraphQL produced the response (the plugin saw it), so `errorCode` is final. */
  answered?: boolean;
  /** The caller's user id once known (undefined for an anonymous caller), for the request's log line. */
  callerId?: string | undefined;
}

// A symbol-keyed property survives Apollo's shallow copy of the context object (a WeakMap entry would not).
const REQUEST_INFO = Symbol('supergraph.requestInfo');

/** Attaches `info` to a request's context object so that `requestInfoPlugin` can fill it. */
export function withRequestInfo<TContext extends object>(context: TContext, info: RequestInfo): TContext {
  return Object.assign(context, { [REQUEST_INFO]: info });
}

const infoOf = (context: unknown): RequestInfo | undefined =>
  context && typeof context === 'object'
    ? (context as { [REQUEST_INFO]?: RequestInfo })[REQUEST_INFO]
    : undefined;

const firstErrorCode = (body: GraphQLResponse['body']): string | undefined => {
  const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
  const [first] = errors ?? [];
  if (!first) return undefined;
  const code = first.extensions?.['code'];
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
};

/**
 * Records the operation's name once Apollo resolved it (named in the document even when the client did not
 * send `operationName`) and the first error code of the response. Every service adds it to its ApolloServer;
 * `createGraphQLApp` reads what it recorded.
 */
export function requestInfoPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart({ contextValue }) {
      const info = infoOf(contextValue);
      if (!info) return;
      return {
        async didResolveOperation({ operationName }) {
          info.operationName = operationName ?? null;
          info.span?.setAttribute('graphql.operation.name', operationName ?? 'anonymous');
        },
        async willSendResponse({ response, document, request }) {
          // An operation that failed validation was parsed but never resolved: its name is in the document.
          if (info.operationName === undefined && document) {
            const operation = getOperationAST(document, request.operationName);
            if (operation) info.operationName = operation.name?.value ?? null;
          }
          info.errorCode = firstErrorCode(response.body);
          info.answered = true;
        },
      };
    },
  };
}

/**
 * For a response produced without running GraphQL (a response-cache hit): the request is logged and counted
 * as the operation `operationName`, answered without errors.
 */
export function recordAnsweredFromCache(locals: Record<string, unknown>, operationName: string | null): void {
  const info = locals['requestInfo'] as RequestInfo | undefined;
  if (!info) return;
  info.operationName = operationName;
  info.answered = true;
  info.span?.setAttribute('graphql.operation.name', operationName ?? 'anonymous');
  info.span?.setAttribute('supergraph.response_cache', 'hit');
}

/**
 * For a response a service produced with its own execution path rather than Apollo's request pipeline (the
 * gateway's trusted documents): the request is logged and counted as `operationName`, with `errorCode`.
 */
export function recordAnswered(
  locals: Record<string, unknown>,
  operationName: string | null,
  errorCode: string | undefined,
): void {
  const info = locals['requestInfo'] as RequestInfo | undefined;
  if (!info) return;
  info.operationName = operationName;
  if (errorCode !== undefined) info.errorCode = errorCode;
  info.answered = true;
  info.span?.setAttribute('graphql.operation.name', operationName ?? 'anonymous');
}

/** Names the request's caller on its log line. */
export function recordCaller(locals: Record<string, unknown>, callerId: string | undefined): void {
  const info = locals['requestInfo'] as RequestInfo | undefined;
  if (info) info.callerId = callerId;
}

/** The first error code of a JSON refusal body (`{ errors: [{ extensions: { code } }] }`), if it is one. */
export function errorCodeOfBody(body: unknown): string | undefined {
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : undefined;
  if (text === undefined || text.length > 65_536) return undefined;
  try {
    const parsed = JSON.parse(text) as { errors?: { extensions?: { code?: unknown } }[] };
    const code = parsed.errors?.[0]?.extensions?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
