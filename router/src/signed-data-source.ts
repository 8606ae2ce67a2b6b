import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { INTERNAL_TOKEN_HEADER } from '@supergraph/service-kit/auth';
import { ErrorCode } from '@supergraph/service-kit/errors';
import { IDEMPOTENCY_KEY_HEADER, REQUEST_ID_HEADER } from '@supergraph/service-kit/http';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { callerKeyOf, subgraphCall, type RouterContext } from './request-scope.ts';
import { SubgraphUnavailableError } from './subgraph-fetch.ts';
import { fetchedFieldPaths, subgraphOperation } from './subgraph-operation.ts';

type FetcherResponse = Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0];
type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/** The code of the errors on fields whose subgraph is down, slow, or behind an open circuit breaker. */
export const SUBGRAPH_UNAVAILABLE = 'SUBGRAPH_UNAVAILABLE';

/**
 * Sends each subgraph request with the caller's identity signed by the gateway (`x-internal-token`) and the
 * client's request id, so subgraphs trust only the gateway and logs line up across services, and the client's
 * Idempotency-Key. The client's own Authorization header is never forwarded: subgraphs do not verify access
 * tokens.
 */
export class SignedSubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  /**
   * Runs the fetch with what the fetcher needs to know about it (the request's deadline; whether it may be
   * retried, i.e. is not a mutation), and answers for a subgraph that is unavailable instead of throwing:
   * an error thrown here would reach the client without a path, while the errors returned carry the path of
   * every field this fetch should have answered, like a subgraph's own errors. The gateway adds
   * `serviceName`, resolves the rest of the plan, and the client gets what the other subgraphs answered.
   */
  override async process(options: GraphQLDataSourceProcessOptions<RouterContext>): Promise<SubgraphResponse> {
    const { query, variables } = options.request;
    if (!('incomingRequestContext' in options) || !query) return super.process(options);
    const operation = subgraphOperation(query, options.document);
    try {
      return await subgraphCall.run(
        {
          deadline: options.context.deadline,
          idempotent: !operation.isMutation,
          logger: options.context.logger,
          identity: callerKeyOf(options.context.identity),
          // With the response cache on, a request never shares a fetch begun before the generation it read:
          // that fetch may predate a mutation, and its answer would be stored as current.
          generation: options.context.responseCacheSlot?.generation,
        },
        () => super.process(options),
      );
    } catch (error) {
      if (!(error instanceof SubgraphUnavailableError)) throw error;
      // While a breaker is open every request would say so: that was logged once, when it opened.
      options.context.logger[error.reason === 'breaker-open' ? 'debug' : 'warn'](
        { subgraph: error.serviceName, reason: error.reason, status: error.status, err: error.cause },
        'subgraph unavailable',
      );
      const extensions = { code: SUBGRAPH_UNAVAILABLE, serviceName: error.serviceName };
      const paths = fetchedFieldPaths(operation, variables);
      return {
        data: null,
        errors:
          paths.length > 0
            ? paths.map((path) => ({ message: error.message, path, extensions }))
            : [{ message: error.message, extensions }],
      };
    }
  }

  override async willSendRequest(options: GraphQLDataSourceProcessOptions<RouterContext>): Promise<void> {
    const headers = options.request.http?.headers;
    if (!headers) throw new Error('subgraph request has no HTTP headers to sign');
    // Only client operations carry our context; with a static supergraph the gateway makes no other calls
    // (no health checks, no introspection), and an unsigned one would be refused by the subgraph anyway.
    // (The gateway does not export its request-kind enum, hence the structural check.)
    if (!('incomingRequestContext' in options)) return;
    headers.set(INTERNAL_TOKEN_HEADER, await options.context.internalToken());
    headers.set(REQUEST_ID_HEADER, options.context.requestId);
    // The client's Idempotency-Key goes to the subgraphs as it came: their mutations store outcomes by it.
    const idempotencyKey = options.incomingRequestContext.request.http?.headers.get(IDEMPOTENCY_KEY_HEADER);
    if (idempotencyKey) headers.set(IDEMPOTENCY_KEY_HEADER, idempotencyKey);
  }

  /**
   * A subgraph answered with an HTTP error status. Apollo Server does that for a resolver error that carries
   * an HTTP status (ours never do: field errors travel as HTTP 200), and such an error (it has a `path`) was meant for the
   * caller: pass its message and code on. Anything else (the subgraph refusing the gateway's signature, a
   * proxy error page) is the gateway's problem, so it becomes an internal error that is logged in full and
   * shown to the client as a generic one. Either way the subgraph's URL and raw body never reach the client,
   * which the default implementation would send in `extensions.response`.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const body: unknown = await this.parseBody(response).catch(() => undefined);
    const callerError = firstFieldError(body);
    if (callerError) return new GraphQLError(callerError.message, { extensions: { code: callerError.code } });
    return new GraphQLError(
      `subgraph ${response.url} answered HTTP ${response.status}: ${JSON.stringify(body)?.slice(0, 500)}`,
      { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } },
    );
  }
}

// A GraphQL response whose first error concerns a field: `path` is what tells it apart from a request refusal.
const fieldErrorResponse = z.object({
  errors: z.tuple(
    [
      z.object({
        message: z.string(),
        path: z.array(z.union([z.string(), z.number()])),
        extensions: z.object({ code: z.string() }),
      }),
    ],
    z.unknown(),
  ),
});

function firstFieldError(body: unknown): { message: string; code: string } | undefined {
  const parsed = fieldErrorResponse.safeParse(body);
  if (!parsed.success) return undefined;
  const [first] = parsed.data.errors;
  return { message: first.message, code: first.extensions.code };
}
