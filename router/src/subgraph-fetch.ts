import { setTimeout as sleep } from 'node:timers/promises';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { Logger } from '@supergraph/service-kit/logger';
import { IDEMPOTENCY_KEY_HEADER } from '@supergraph/service-kit/http';
import CircuitBreaker from 'opossum';
import { responseOf, type BufferedResponse } from './buffered-response.ts';
import {
  createSubgraphConnections,
  destroySubgraphConnections,
  postToSubgraph,
  type PostInit,
} from './subgraph-http.ts';
import { subgraphCall } from './request-scope.ts';
import type { SubgraphHealth } from './subgraph-health.ts';
import type { BreakerSettings, SubgraphSettings } from './subgraph-settings.ts';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherInit = Parameters<Fetcher>[1];

/** Why a subgraph could not answer. */
export type UnavailableReason =
  /** connection refused or reset, DNS, TLS: nothing usable came back */
  | 'unreachable'
  /** it answered with a 5xx status */
  | 'server-error'
  /** it did not answer within its per-fetch timeout */
  | 'timeout'
  /** the client request's deadline passed first */
  | 'deadline'
  /** its circuit breaker is open: not contacted at all */
  | 'breaker-open';

/** The subgraph did not answer usably. The data source turns it into SUBGRAPH_UNAVAILABLE errors. */
export class SubgraphUnavailableError extends Error {
  readonly serviceName: string;
  readonly reason: UnavailableReason;
  readonly status: number | undefined;

  constructor(
    serviceName: string,
    reason: UnavailableReason,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(`The ${serviceName} service is unavailable; try again shortly.`, { cause: options.cause });
    this.name = 'SubgraphUnavailableError';
    this.serviceName = serviceName;
    this.reason = reason;
    this.status = options.status;
  }

  /** Worth one more try for an idempotent operation: a blip, not a verdict (open breaker) or the end of the request. */
  get transient(): boolean {
    if (this.reason === 'server-error')
      return this.status === 502 || this.status === 503 || this.status === 504;
    return this.reason === 'unreachable' || this.reason === 'timeout';
  }
}

/** How one fetch attempt ended: `success` (any answer below 400), `client-error` (a 4xx answer), or why it failed. */
export type FetchOutcome = 'success' | 'client-error' | UnavailableReason;

/** Told of every fetch attempt (metrics). */
export interface FetchObserver {
  fetched(subgraph: string, outcome: FetchOutcome, seconds: number): void;
  retried(subgraph: string): void;
}

export interface SubgraphFetcherOptions {
  name: string;
  timeoutMs: number;
  /** How long a pooled connection may idle (default: subgraph-http.ts's DEFAULT_IDLE_SOCKET_MS). */
  idleSocketMs?: number;
  breaker: BreakerSettings;
  logger: Logger;
  /** Told when the breaker opens (true) and when it half-opens or closes (false). */
  onBreakerChange?: (open: boolean) => void;
  observer?: FetchObserver;
}

export interface SubgraphFetcher {
  fetcher: Fetcher;
  /** Closes an open breaker: the subgraph said it is ready again, so waiting out the reset period only fails requests. */
  closeBreaker(): void;
  /** Whether the breaker is open now (failing fast). */
  readonly breakerOpen: boolean;
  /** Stops the breaker's timers. */
  shutdown(): void;
}

const backoffMs = () => 50 + Math.random() * 100;

/**
 * The fetcher for one subgraph: a POST over undici with pooled keep-alive connections (subgraph-http.ts) with
 * - a timeout per fetch, combined with the client request's deadline;
 * - a circuit breaker (opossum) that counts only infrastructure failures — unreachable, 5xx, timeout —
 *   never GraphQL errors in a 200, and never the request's own deadline (that is no verdict on the subgraph);
 * - one retry after a 50–150 ms jittered backoff for idempotent operations, on transient failures only.
 * Every failure is thrown as a `SubgraphUnavailableError`.
 */
export function createSubgraphFetcher({
  name,
  timeoutMs,
  idleSocketMs,
  breaker: settings,
  logger,
  onBreakerChange,
  observer,
}: SubgraphFetcherOptions): SubgraphFetcher {
  // The subgraph's own keep-alive pool (a reset pooled connection is sent again there, never counted here).
  const connections = createSubgraphConnections(idleSocketMs);
  // The whole answer, body included, is read inside the timeout: a subgraph that sends its headers and then
  // stalls is as unavailable as one that never answers.
  const attempt = async (url: string, init: FetcherInit, deadline: AbortSignal | undefined) => {
    // One controller whose timer and deadline listener are released as soon as the fetch ends.
    // (AbortSignal.any over AbortSignal.timeout kept every fetch's signals and listeners alive for the whole
    // timeout: measured as most of the gateway's peak RSS under load.)
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException('The subgraph did not answer in time.', 'TimeoutError'));
    }, timeoutMs);
    const onDeadline = () => controller.abort(deadline?.reason);
    if (deadline?.aborted) onDeadline();
    else deadline?.addEventListener('abort', onDeadline, { once: true });
    let response: BufferedResponse;
    try {
      const resendable = subgraphCall.getStore()?.idempotent !== false || hasIdempotencyKey(init?.headers);
      response = await postToSubgraph(
        url,
        { ...(init as PostInit), resendable },
        controller.signal,
        connections,
      );
    } catch (error) {
      const reason = deadline?.aborted ? 'deadline' : timedOut ? 'timeout' : 'unreachable';
      throw new SubgraphUnavailableError(name, reason, { cause: error });
    } finally {
      clearTimeout(timer);
      deadline?.removeEventListener('abort', onDeadline);
    }
    if (response.status >= 500) {
      throw new SubgraphUnavailableError(name, 'server-error', {
        status: response.status,
        cause: new Error(`HTTP ${response.status}: ${(response.body ?? '').slice(0, 500)}`),
      });
    }
    return responseOf(response);
  };

  const breaker = new CircuitBreaker(attempt, {
    name,
    // Timeouts are ours (they abort the fetch); opossum's would only stop waiting for it.
    timeout: false,
    errorThresholdPercentage: settings.errorThresholdPercent,
    volumeThreshold: settings.volumeThreshold,
    resetTimeout: settings.resetMs,
    errorFilter: (error: unknown) => error instanceof SubgraphUnavailableError && error.reason === 'deadline',
  });
  breaker.on('open', () => {
    logger.warn({ subgraph: name, resetMs: settings.resetMs }, 'circuit breaker opened: failing fast');
    onBreakerChange?.(true);
  });
  breaker.on('halfOpen', () => {
    logger.info({ subgraph: name }, 'circuit breaker half-open: the next fetch probes the subgraph');
    onBreakerChange?.(false);
  });
  breaker.on('close', () => {
    logger.info({ subgraph: name }, 'circuit breaker closed');
    onBreakerChange?.(false);
  });

  const fire = async (url: string, init: FetcherInit, deadline: AbortSignal | undefined) => {
    if (deadline?.aborted) throw new SubgraphUnavailableError(name, 'deadline');
    const started = process.hrtime.bigint();
    const observe = (outcome: FetchOutcome) =>
      observer?.fetched(name, outcome, Number(process.hrtime.bigint() - started) / 1e9);
    try {
      const response = await breaker.fire(url, init, deadline);
      observe(response.status >= 400 ? 'client-error' : 'success');
      return response;
    } catch (error) {
      if (error instanceof SubgraphUnavailableError) {
        observe(error.reason);
        throw error;
      }
      if ((error as { code?: unknown } | null)?.code === 'EOPENBREAKER') {
        observe('breaker-open');
        throw new SubgraphUnavailableError(name, 'breaker-open', { cause: error });
      }
      throw error;
    }
  };

  const fetcher: Fetcher = async (url, init) => {
    const call = subgraphCall.getStore();
    const deadline = call?.deadline;
    try {
      return await fire(url, init, deadline);
    } catch (error) {
      if (!(error instanceof SubgraphUnavailableError && error.transient && call?.idempotent)) throw error;
      (call.logger ?? logger).warn(
        { subgraph: name, reason: error.reason, status: error.status },
        'subgraph fetch failed: retrying once',
      );
      observer?.retried(name);
      try {
        await sleep(backoffMs(), undefined, deadline ? { signal: deadline } : undefined);
      } catch {
        throw new SubgraphUnavailableError(name, 'deadline', { cause: error });
      }
      return fire(url, init, deadline);
    }
  };

  return {
    fetcher,
    closeBreaker() {
      if (!breaker.opened) return;
      logger.info({ subgraph: name }, 'subgraph ready again: closing its circuit breaker');
      breaker.close();
    },
    get breakerOpen() {
      return breaker.opened;
    },
    shutdown() {
      breaker.shutdown();
      destroySubgraphConnections(connections);
    },
  };
}

export interface SubgraphFetchers {
  /**
   * The fetcher for one subgraph, with its timeout and breaker. It stays usable after `retire`: Apollo may
   * reuse a data source built earlier, and its next fetch starts a fresh breaker.
   */
  fetcherFor(settings: SubgraphSettings): Fetcher;
  /** Stops the breaker of a subgraph that left the supergraph. */
  retire(name: string): void;
  /**
   * Tells `health` again about a breaker that is open: a subgraph followed anew (back in the supergraph before
   * it was retired, or at a new URL) starts without that knowledge, and with it its recovery probe.
   */
  reportBreaker(name: string): void;
  shutdown(): void;
}

/** One fetcher per subgraph, reporting breaker changes to `health` and every attempt to `observer`. */
export function createSubgraphFetchers(
  logger: Logger,
  health: SubgraphHealth,
  observer?: FetchObserver,
): SubgraphFetchers {
  const settingsOf = new Map<string, SubgraphSettings>();
  const live = new Map<string, SubgraphFetcher>();
  const liveFetcher = (name: string): SubgraphFetcher => {
    let subgraph = live.get(name);
    if (!subgraph) {
      const { timeoutMs, idleSocketMs, breaker } = settingsOf.get(name)!;
      subgraph = createSubgraphFetcher({
        name,
        timeoutMs,
        idleSocketMs,
        breaker,
        logger,
        // A subgraph whose readiness answers while its breaker is open closes the breaker at once.
        onBreakerChange: (open) => health.setBreakerOpen(name, open, () => subgraph?.closeBreaker()),
        ...(observer ? { observer } : {}),
      });
      live.set(name, subgraph);
    }
    return subgraph;
  };
  return {
    fetcherFor(settings) {
      settingsOf.set(settings.name, settings);
      return (url, init) => liveFetcher(settings.name).fetcher(url, init);
    },
    retire(name) {
      live.get(name)?.shutdown();
      live.delete(name);
    },
    reportBreaker(name) {
      const subgraph = live.get(name);
      if (subgraph?.breakerOpen) health.setBreakerOpen(name, true, () => subgraph.closeBreaker());
    },
    shutdown() {
      health.stop();
      for (const subgraph of live.values()) subgraph.shutdown();
      live.clear();
    },
  };
}

/** Whether a fetch carries the client's Idempotency-Key (signed-data-source.ts forwards it). */
function hasIdempotencyKey(headers: NonNullable<FetcherInit>['headers']): boolean {
  if (!headers) return false;
  if (headers instanceof Headers) return headers.has(IDEMPOTENCY_KEY_HEADER);
  if (Array.isArray(headers)) return headers.some(([name]) => name.toLowerCase() === IDEMPOTENCY_KEY_HEADER);
  return Object.keys(headers).some((name) => name.toLowerCase() === IDEMPOTENCY_KEY_HEADER);
}
