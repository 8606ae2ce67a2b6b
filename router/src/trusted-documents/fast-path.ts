import { HeaderMap } from '@apollo/server';
import { executeQueryPlan, type ServiceMap } from '@apollo/gateway';
import { recordAnswered, type RequestScope } from '@supergraph/service-kit/http';
import type { Logger } from '@supergraph/service-kit/logger';
import type { Request, Response } from 'express';
import { GraphQLError, getVariableValues, type GraphQLFormattedError } from 'graphql';
import type { Authorization } from '../authorization/index.ts';
import type { CostCheck } from '../cost.ts';
import type { RouterContext } from '../request-scope.ts';
import { mediaTypeFor } from '../response-cache/front.ts';
import { formattedError } from '../formatted-error.ts';
import type { CompiledOperation } from './compile.ts';

export interface FastPathOptions {
  /** The same context builder Apollo's requests get theirs from. */
  context: (req: Request, res: Response, scope: RequestScope) => Promise<RouterContext>;
  costCheck: CostCheck;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** The data source of each subgraph the gateway serves now. */
  serviceMap: () => ServiceMap;
  logger: Logger;
  /** Authorization: the stored plan runs only when the caller may read every field it selects. */
  permits: Authorization['permits'];
}

/**
 * Runs a request for a compiled manifest operation: its variables are checked (and its cost, when it depends
 * on them), then its query plan executes, with no parsing, validation or planning. Resolves to false, having
 * written nothing, for anything it does not answer exactly as Apollo would (a bad variable, a refusal for
 * cost, an unusable token, an Accept it does not serve, a GET): Apollo then answers the request by id.
 */
export function createFastPath(options: FastPathOptions) {
  return async (op: CompiledOperation, req: Request, res: Response): Promise<boolean> => {
    if (!op.fastPath || req.method !== 'POST') return false;
    const mediaType = mediaTypeFor(req.headers.accept);
    if (!mediaType) return false;
    const body = req.body as { operationName?: unknown; variables?: unknown; extensions?: unknown };
    if (body.operationName != null && body.operationName !== op.name) return false;
    const variables = body.variables ?? {};
    if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) return false;
    const inputs = variables as Record<string, unknown>;
    const { errors } = getVariableValues(op.served.schema, op.operation.variableDefinitions ?? [], inputs);
    if (errors) return false;
    if (op.costPerRequest && options.costCheck(op.served.schema, op.document, inputs, op.name)) return false;

    const requestId = String(res.locals['requestId']);
    const logger = options.logger.child({ requestId });
    let contextValue: RouterContext;
    try {
      contextValue = await options.context(req, res, { requestId, logger });
    } catch {
      return false; // a token that is not valid: Apollo answers the 401
    }
    // Fields the caller may not read: Apollo's path removes them before planning (authorization/).
    const request = {
      schema: op.served.schema,
      document: op.document,
      operation: op.operation,
      queryHash: op.id,
      variables: inputs,
    };
    if (!options.permits(request, contextValue.identity)) return false;
    // The client's headers travel as on Apollo's own path: the data sources forward some of them to subgraphs
    // (Idempotency-Key, without which a retried mutation would run twice).
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const requestContext = {
      request: {
        query: op.body,
        operationName: op.name,
        variables: inputs,
        extensions: body.extensions,
        http: { method: req.method, headers, search: '', body: req.body },
      },
      response: { http: { headers: new HeaderMap() } },
      logger,
      schema: op.served.schema,
      context: contextValue,
      queryHash: op.id,
      document: op.document,
      source: op.body,
      operationName: op.name,
      operation: op.operation,
      metrics: {},
      overallCachePolicy: undefined,
    } as unknown as Parameters<typeof executeQueryPlan>[2];

    let status = 200;
    let payload: Record<string, unknown>;
    try {
      const result = await executeQueryPlan(
        op.queryPlan,
        options.serviceMap(),
        requestContext,
        op.operationContext,
        op.served.supergraphSchema,
        op.served.apiSchema,
      );
      const formatted = result.errors?.map((error) => formatOne(error, options.formatError));
      const httpStatus = formatted?.find((one) => one.status !== undefined)?.status;
      if (httpStatus !== undefined) status = httpStatus;
      else if (formatted?.length && result.data === undefined) status = 400;
      payload = {
        ...(formatted ? { errors: formatted.map(({ error }) => error) } : {}),
        ...(result.data !== undefined ? { data: result.data } : {}),
        ...(result.extensions ? { extensions: result.extensions } : {}),
      };
    } catch (error) {
      status = 500;
      payload = { errors: [formatOne(error, options.formatError).error] };
    }
    const errorsOut = payload['errors'] as GraphQLFormattedError[] | undefined;
    const code = errorsOut?.[0]?.extensions?.['code'];
    recordAnswered(
      res.locals,
      op.name,
      errorsOut ? (typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR') : undefined,
    );
    const text = `${JSON.stringify(payload)}\n`;
    res.statusCode = status;
    res.setHeader('content-type', mediaType);
    res.setHeader('content-length', Buffer.byteLength(text));
    res.end(text);
    return true;
  };
}

/** Apollo's normalizeAndFormatErrors for one error: a code always, `extensions.http` taken out as the status. */
function formatOne(
  raw: unknown,
  formatError: FastPathOptions['formatError'],
): { error: GraphQLFormattedError; status?: number } {
  const error =
    raw instanceof GraphQLError
      ? raw
      : new GraphQLError(raw instanceof Error ? raw.message : `Unexpected error value: ${String(raw)}`, {
          ...(raw instanceof Error ? { originalError: raw } : {}),
        });
  // `extensions.http` is the answer's status, not something the client is shown.
  const { http, ...extensions } = error.extensions as Record<string, unknown> & {
    http?: { status?: number };
  };
  try {
    return {
      error: formattedError(error, (formatted) => formatError(formatted, raw), extensions),
      ...(http?.status !== undefined ? { status: http.status } : {}),
    };
  } catch {
    return { error: { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } } };
  }
}
