import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isDatabaseUnavailable } from '../db/errors.ts';
import type { DatabaseUsage } from '../db/usage.ts';
import { boundedLabel, operationLabelOf, outcomeLabelOf } from './labels.ts';

/** Seconds; from a fast cached lookup to the gateway's 15 s request deadline. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];
const QUERY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
/** Keys per DataLoader batch; lists are at most 100 long, entity fetches may join several lists. */
const BATCH_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000];

/** Distinct operation names and error codes kept as labels per service; later new ones become `other`/`OTHER`. */
const MAX_OPERATIONS = 200;
const MAX_OUTCOMES = 50;

/** One finished `/graphql` request, as the request log line reports it. */
export interface RequestObservation {
  /** The operation's name; null for an anonymous operation; undefined when none was identified. */
  operationName: string | null | undefined;
  /** The code of the first error in the response; undefined when it had none. */
  errorCode: string | undefined;
  seconds: number;
}

/** What DataLoader batch functions report to (see `instrumentedBatch`). */
export interface BatchObserver {
  observeBatch(loader: string, size: number): void;
}

/**
 * A service's Prometheus metrics, in a registry of its own: tests build several services in one process and
 * each must count only its own requests. Every series carries `service`. Served at `/metrics` by
 * `createGraphQLApp`; other modules (the gateway's subgraph fetches) add metrics to `registry`.
 */
export interface ServiceMetrics extends BatchObserver {
  readonly service: string;
  readonly registry: Registry;
  observeRequest(request: RequestObservation): void;
  /** Exposes the database client's usage (statements in flight, transactions, pool size, statement durations). */
  observeDatabase(usage: DatabaseUsage): void;
  /** Exposes readiness as `service_ready`, asked when Prometheus scrapes. */
  observeReadiness(ready: () => Promise<boolean>): void;
  /** Serves the registry in Prometheus' text format. */
  readonly handler: RequestHandler;
}

export interface ServiceMetricsOptions {
  /** Node.js process metrics (CPU, memory, event loop lag, GC, handles); default true. */
  defaultMetrics?: boolean;
}

export function createServiceMetrics(
  service: string,
  { defaultMetrics = true }: ServiceMetricsOptions = {},
): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (defaultMetrics) collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL requests answered on /graphql, by operation name and outcome (success or the first error code).',
    labelNames: ['operation', 'outcome'],
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'Time from receiving a /graphql request to the last byte of its response.',
    labelNames: ['operation', 'outcome'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'dataloader_batch_size',
    help: 'Keys loaded per DataLoader batch (one statement per batch), by loader.',
    labelNames: ['loader'],
    buckets: BATCH_BUCKETS,
    registers: [registry],
  });
  const operationLabel = boundedLabel(MAX_OPERATIONS);
  const outcomeLabel = boundedLabel(MAX_OUTCOMES, 'OTHER');

  return {
    service,
    registry,
    observeRequest({ operationName, errorCode, seconds }) {
      const labels = {
        operation: operationLabel(operationLabelOf(operationName)),
        outcome: outcomeLabel(outcomeLabelOf(errorCode)),
      };
      requests.inc(labels);
      requestDuration.observe(labels, seconds);
    },
    observeBatch(loader, size) {
      batchSize.observe({ loader }, size);
    },
    observeDatabase(usage) {
      new Gauge({
        name: 'db_client_pool_max',
        help: 'Connections the database client may open (the configured pool size; 1 for embedded PGlite).',
        registers: [registry],
        collect() {
          this.set(usage.poolMax);
        },
      });
      new Gauge({
        name: 'db_client_queries_in_flight',
        help: 'Statements sent and not yet answered: running, or waiting for a free connection when above db_client_pool_max.',
        registers: [registry],
        collect() {
          this.set(usage.queriesInFlight);
        },
      });
      new Gauge({
        name: 'db_client_transactions_open',
        help: 'Transactions in progress; each holds one connection until it ends.',
        registers: [registry],
        collect() {
          this.set(usage.transactionsOpen);
        },
      });
      const queryDuration = new Histogram({
        name: 'db_client_query_duration_seconds',
        help: 'Duration of database statements, by outcome: success, error (the statement failed) or unavailable (the database could not be reached).',
        labelNames: ['outcome'],
        buckets: QUERY_BUCKETS,
        registers: [registry],
      });
      usage.onQuery(({ seconds, error }) => {
        const outcome =
          error === undefined ? 'success' : isDatabaseUnavailable(error) ? 'unavailable' : 'error';
        queryDuration.observe({ outcome }, seconds);
      });
    },
    observeReadiness(ready) {
      new Gauge({
        name: 'service_ready',
        help: 'Whether /health/ready would answer 200 (1) or 503 (0), checked at each scrape.',
        registers: [registry],
        async collect() {
          this.set((await ready().catch(() => false)) ? 1 : 0);
        },
      });
    },
    handler: (_req, res, next) => {
      registry.metrics().then(
        (text) => {
          res.setHeader('content-type', registry.contentType);
          res.setHeader('cache-control', 'no-store');
          res.send(text);
        },
        (error: unknown) => next(error),
      );
    },
  };
}

/**
 * Wraps a DataLoader batch function so that the size of every batch is recorded under `loader`:
 * `new DataLoader(instrumentedBatch('user', batch, metrics))`. Without an observer the function is returned as is.
 */
export function instrumentedBatch<TKey, TResult>(
  loader: string,
  batch: (keys: readonly TKey[]) => TResult,
  observer: BatchObserver | undefined,
): (keys: readonly TKey[]) => TResult {
  if (!observer) return batch;
  return (keys) => {
    observer.observeBatch(loader, keys.length);
    return batch(keys);
  };
}
