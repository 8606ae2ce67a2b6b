import type { ApolloServer, BaseContext } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { trace } from '@opentelemetry/api';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from '../logger.ts';
import { operationLabelOf, outcomeLabelOf } from '../metrics/labels.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id.ts';
import { errorCodeOfBody, withRequestInfo, type RequestInfo } from './request-info.ts';

export interface RequestScope {
  requestId: string;
  logger: Logger;
}

export interface ReadinessReport {
  ready: boolean;
  details?: Record<string, unknown>;
}

export interface GraphQLAppOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  logger: Logger;
  /** Builds the per-request context; runs after `guard` accepted the request. */
  context: (req: Request, res: Response, scope: RequestScope) => Promise<TContext>;
  /** Rejects a request before GraphQL sees it (e.g. a subgraph refusing unsigned traffic). */
  guard?: RequestHandler;
  /** Run on `/graphql` before the body is read: CORS, rate limiting. */
  before?: RequestHandler[];
  /** Run on `/graphql` after the body is parsed, before GraphQL: cheap refusals of abusive operations. */
  screen?: RequestHandler[];
  /**
   * Throws when the service cannot serve traffic (database down, migrations missing). May instead return a
   * report: `ready` decides 200 or 503, `details` are added to the response body (e.g. per-dependency state).
   */
  readiness: () => Promise<void> | Promise<ReadinessReport>;
  /** Largest accepted body: bytes, or an express size string like '100kb'. */
  bodyLimit?: number | string;
  /**
   * The service's metrics: served at `/metrics` and fed by every `/graphql` request (add
   * `requestInfoPlugin()` to the ApolloServer so operations and error codes are known).
   */
  metrics?: ServiceMetrics;
  /**
   * Serve `/metrics` on this app (default true). The gateway's port faces the internet, so it serves its
   * metrics on a separate, internal port instead.
   */
  serveMetrics?: boolean;
}

/**
 * The HTTP shape every service shares: `/graphql`, `/health/live`, `/health/ready`, `/metrics`, a request id
 * on every request, and one structured log line per request. `/metrics` and `/health/*` are outside
 * `/graphql`, so neither rate limiting nor the gateway signature applies to them: they are for the
 * orchestrator and Prometheus, never to be routed from the public internet.
 */
export function createGraphQLApp<TContext extends BaseContext>(options: GraphQLAppOptions<TContext>) {
  const app = express();
  app.disable('x-powered-by');

  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  if (options.metrics) {
    options.metrics.observeReadiness(async () => {
      const report = (await options.readiness()) as ReadinessReport | undefined;
      return !report || report.ready;
    });
    if (options.serveMetrics !== false) app.get('/metrics', options.metrics.handler);
  }
  app.get('/health/ready', async (_req, res) => {
    try {
      const report = (await options.readiness()) as ReadinessReport | undefined;
      if (report && !report.ready) {
        options.logger.warn({ details: report.details }, 'not ready');
        res.status(503).json({ ...report.details, status: 'unavailable' });
        return;
      }
      res.json({ status: 'ready', ...report?.details });
    } catch (error) {
      options.logger.warn({ err: error }, 'not ready');
      res.status(503).json({ status: 'unavailable' });
    }
  });

  // The one line per request carries only the fields written below, none of them a secret, so it skips the
  // logger's redaction pass (a wildcard walk over every line's object: 3.6 % of what the gateway allocated
  // per request, measured with BENCH_HEAP_PROFILE_DIR). Add a field that could hold a secret and this must go.
  const requestLogger = options.logger.child({}, { redact: { paths: [] } });
  app.use('/graphql', (req, res, next) => {
    const requestId = requestIdOf(req);
    const started = process.hrtime.bigint();
    // The HTTP server span (when tracing is on): tagged now, while it is still the active one.
    const span = trace.getActiveSpan();
    span?.setAttributes({
      'supergraph.request_id': requestId,
      ...(options.metrics ? { 'supergraph.service': options.metrics.service } : {}),
    });
    const info: RequestInfo = { span };
    res.locals['requestId'] = requestId;
    res.locals['requestInfo'] = info;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    recordRefusals(res, info);
    // Read at 'finish': by then the body has been parsed and GraphQL has named the operation.
    res.on('finish', () => {
      const operationName = info.operationName !== undefined ? info.operationName : operationNameOf(req.body);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      options.metrics?.observeRequest({ operationName, errorCode: info.errorCode, seconds });
      const traceId = span?.isRecording() ? span.spanContext().traceId : undefined;
      requestLogger.info(
        {
          requestId,
          method: req.method,
          status: res.statusCode,
          operationName:
            typeof operationName === 'string' ? operationName.slice(0, 100) : operationLabelOf(operationName),
          outcome: outcomeLabelOf(info.errorCode),
          callerId: info.callerId,
          durationMs: seconds * 1e3,
          ...(traceId ? { traceId } : {}),
        },
        'request',
      );
    });
    next();
  });
  for (const handler of options.before ?? []) app.use('/graphql', handler);
  if (options.guard) app.use('/graphql', options.guard);
  app.use(
    '/graphql',
    express.json({ limit: options.bodyLimit ?? '100kb' }),
    ...(options.screen ?? []),
    expressMiddleware(options.apollo, {
      context: async ({ req, res }) => {
        const requestId = String(res.locals['requestId']);
        const context = await options.context(req, res, {
          requestId,
          logger: options.logger.child({ requestId }),
        });
        return withRequestInfo(context, res.locals['requestInfo'] as RequestInfo);
      },
    }),
  );
  app.use('/graphql', bodyErrorHandler);
  return app;
}

/** The `operationName` a client sent, for requests GraphQL never saw (refused, unparsable). */
function operationNameOf(body: unknown): string | undefined {
  const name = body && typeof body === 'object' && 'operationName' in body ? body.operationName : undefined;
  return typeof name === 'string' ? name : undefined;
}

/**
 * A request refused before GraphQL ran (rate limit, gateway signature, body limits, a bad access token) is
 * answered with a small JSON error body: its code is the request's outcome.
 */
function recordRefusals(res: Response, info: RequestInfo): void {
  const send = res.send.bind(res);
  res.send = (body?: unknown) => {
    if (!info.answered && info.errorCode === undefined && res.statusCode >= 400) {
      info.errorCode = errorCodeOfBody(body) ?? `HTTP_${res.statusCode}`;
    }
    return send(body);
  };
}

/**
 * The JSON body parser fails on malformed or oversized bodies; express would answer with an HTML page. A
 * GraphQL client gets a GraphQL error instead, with the 4xx status that says it was its request.
 */
const bodyErrorHandler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  const status = typeof error === 'object' && error && 'status' in error ? Number(error.status) : 500;
  if (res.headersSent || status < 400 || status >= 500) return next(error);
  const tooLarge = status === 413;
  res.status(status).json({
    errors: [
      {
        message: tooLarge ? 'The request body is too large.' : 'The request body is not valid JSON.',
        extensions: { code: tooLarge ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST' },
      },
    ],
  });
};
