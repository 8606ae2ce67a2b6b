import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { isDatabaseUnavailable } from './errors.ts';

/** One statement that finished: how long it took, and its error when it failed. */
export interface QueryEvent {
  seconds: number;
  error?: unknown;
}

/**
 * What can honestly be measured of a database client's use. postgres.js keeps its pool's counters private,
 * so they are counted here, around the calls Drizzle makes: statements sent and not yet answered (running,
 * or queued for a free connection when more are in flight than `poolMax`), and transactions open (each holds
 * one connection until it ends).
 */
export interface DatabaseUsage {
  /** Connections the client may open: the configured pool size (1 for PGlite). */
  readonly poolMax: number;
  readonly queriesInFlight: number;
  readonly transactionsOpen: number;
  /** Calls `listener` after every statement; returns the function that unsubscribes. */
  onQuery(listener: (event: QueryEvent) => void): () => void;
}

export interface UsageTracker {
  usage: DatabaseUsage;
  /** Runs one statement, counted and traced. */
  query<T>(text: string, run: () => Promise<T>): Promise<T>;
  /** Runs one transaction, counted. */
  transaction<T>(run: () => Promise<T>): Promise<T>;
}

const tracer = () => trace.getTracer('@supergraph/service-kit');
const MAX_QUERY_TEXT = 2_000;

/**
 * Counts and traces statements. No OpenTelemetry instrumentation exists for postgres.js (the `pg`
 * instrumentation does not apply) nor PGlite, so each statement becomes a CLIENT span here: the SQL text with
 * its placeholders (never the parameter values), the database name, and an error type but not the message
 * (PostgreSQL messages may quote values). Without a tracer provider these spans cost next to nothing.
 */
export function createUsageTracker(name: string, poolMax: number): UsageTracker {
  let queriesInFlight = 0;
  let transactionsOpen = 0;
  const listeners = new Set<(event: QueryEvent) => void>();

  const finish = (span: Span, started: bigint, error?: unknown) => {
    queriesInFlight -= 1;
    if (error !== undefined) {
      span.setAttribute('error.type', errorTypeOf(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
    const event: QueryEvent = {
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      ...(error === undefined ? {} : { error }),
    };
    for (const listener of listeners) listener(event);
  };

  return {
    usage: {
      poolMax,
      get queriesInFlight() {
        return queriesInFlight;
      },
      get transactionsOpen() {
        return transactionsOpen;
      },
      onQuery(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    async query(text, run) {
      const operation = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'QUERY';
      const span = tracer().startSpan(`${operation} ${name}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': 'postgresql',
          'db.namespace': name,
          'db.operation.name': operation,
          'db.query.text': text.slice(0, MAX_QUERY_TEXT),
        },
      });
      const started = process.hrtime.bigint();
      queriesInFlight += 1;
      try {
        const result = await run();
        finish(span, started);
        return result;
      } catch (error) {
        finish(span, started, error ?? new Error('unknown database error'));
        throw error;
      }
    },
    async transaction(run) {
      transactionsOpen += 1;
      try {
        return await run();
      } finally {
        transactionsOpen -= 1;
      }
    },
  };
}

function errorTypeOf(error: unknown): string {
  if (isDatabaseUnavailable(error)) return 'unavailable';
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    if ('code' in current && typeof current.code === 'string' && /^[0-9A-Z]{5}$/.test(current.code))
      return current.code;
    current = 'cause' in current ? current.cause : undefined;
  }
  return error instanceof Error ? error.name : 'error';
}

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * The postgres.js client as Drizzle sees it, counted: `unsafe` (every Drizzle statement) and `begin` /
 * `savepoint` (transactions; statements inside them go through the transaction's own client, which is
 * wrapped the same way). postgres.js queries are lazy and run when awaited, so the count starts at `then`.
 * Everything else (tagged templates, `reserve`, `end`) passes through untouched.
 */
export function trackPostgresClient<TClient extends object>(client: TClient, tracker: UsageTracker): TClient {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as AnyFunction;
      if (property === 'unsafe') {
        return (...args: unknown[]) =>
          lazyQuery(method.apply(target, args) as PromiseLike<unknown>, String(args[0]), tracker);
      }
      if (property === 'begin' || property === 'savepoint') {
        return (...args: unknown[]) => {
          const body = args.pop() as (tx: object) => unknown;
          const run = () =>
            method.apply(target, [
              ...args,
              (tx: object) => body(trackPostgresClient(tx, tracker)),
            ]) as Promise<unknown>;
          return property === 'begin' ? tracker.transaction(run) : run();
        };
      }
      return method;
    },
  });
}

/** Wraps a lazy postgres.js query: chained modifiers (`.values()`) keep the wrapper; awaiting it runs and counts it. */
function lazyQuery<TQuery extends PromiseLike<unknown>>(
  query: TQuery,
  text: string,
  tracker: UsageTracker,
): TQuery {
  let started: Promise<unknown> | undefined;
  const start = () =>
    (started ??= tracker.query(text, () => new Promise((resolve, reject) => query.then(resolve, reject))));
  const wrapper: TQuery = new Proxy(query, {
    get(target, property) {
      if (property === 'then') {
        return (onFulfilled?: AnyFunction, onRejected?: AnyFunction) => start().then(onFulfilled, onRejected);
      }
      if (property === 'catch') return (onRejected?: AnyFunction) => start().catch(onRejected);
      if (property === 'finally') return (onFinally?: () => void) => start().finally(onFinally);
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as AnyFunction).apply(target, args);
        return result === target ? wrapper : result;
      };
    },
  });
  return wrapper;
}

/** The PGlite client as Drizzle sees it, counted: `query` (every statement) and `transaction`. */
export function trackPgliteClient<TClient extends object>(client: TClient, tracker: UsageTracker): TClient {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      // PGlite's methods use private fields: they must run on the instance, not on the proxy.
      const method = (value as AnyFunction).bind(target);
      if (property === 'query') {
        return (...args: unknown[]) =>
          tracker.query(String(args[0]), () => method(...args) as Promise<unknown>);
      }
      if (property === 'transaction') {
        return (body: (tx: object) => unknown) =>
          tracker.transaction(
            () => method((tx: object) => body(trackPgliteClient(tx, tracker))) as Promise<unknown>,
          );
      }
      return method;
    },
  });
}
