import type { ApolloServer, BaseContext } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from '../logger.ts';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id.ts';

export interface RequestScope {
  requestId: string;
  logger: Logger;
}

export interface GraphQLAppOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  logger: Logger;
  /** Builds the per-request context; runs after `guard` accepted the request. */
  context: (req: Request, res: Response, scope: RequestScope) => Promise<TContext>;
  /** Rejects a request before GraphQL sees it (e.g. a subgraph refusing unsigned traffic). */
  guard?: RequestHandler;
  /** Throws when the service cannot serve traffic (database down, migrations missing). */
  readiness: () => Promise<void>;
  bodyLimit?: string;
}

/**
 * The HTTP shape every service shares: `/graphql`, `/health/live`, `/health/ready`, a request id on every
 * request, and one structured log line per request.
 */
export function createGraphQLApp<TContext extends BaseContext>(options: GraphQLAppOptions<TContext>) {
  const app = express();
  app.disable('x-powered-by');

  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', async (_req, res) => {
    try {
      await options.readiness();
      res.json({ status: 'ready' });
    } catch (error) {
      options.logger.warn({ err: error }, 'not ready');
      res.status(503).json({ status: 'unavailable' });
    }
  });

  app.use('/graphql', (req, res, next) => {
    const requestId = requestIdOf(req);
    const started = process.hrtime.bigint();
    res.locals['requestId'] = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.on('finish', () => {
      const body: unknown = req.body;
      const operationName =
        body && typeof body === 'object' && 'operationName' in body ? body.operationName : undefined;
      options.logger.info(
        {
          requestId,
          method: req.method,
          status: res.statusCode,
          operationName,
          callerId: res.locals['callerId'],
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    next();
  });
  if (options.guard) app.use('/graphql', options.guard);
  app.use(
    '/graphql',
    express.json({ limit: options.bodyLimit ?? '100kb' }),
    expressMiddleware(options.apollo, {
      context: async ({ req, res }) => {
        const requestId = String(res.locals['requestId']);
        return options.context(req, res, { requestId, logger: options.logger.child({ requestId }) });
      },
    }),
  );
  return app;
}
