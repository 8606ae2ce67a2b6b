import type { Logger } from '@supergraph/service-kit/logger';

/**
 * `open`: the subgraph's circuit breaker is open (the gateway fails its fetches fast); `down`: its own
 * `/health/ready` (or, for a subgraph without one, a `{ __typename }` query) did not succeed lately (or has not
 * been asked yet); `up`: it did, and the breaker is not open.
 */
export type SubgraphState = 'up' | 'down' | 'open';

/** Answers of `/health/ready` that mean the subgraph has no such endpoint. */
const NO_READY_ENDPOINT = new Set([400, 404, 405]);

export type SubgraphStateListener = (name: string, state: SubgraphState, previous: SubgraphState) => void;

/** What the gateway knows about each subgraph's health; read by readiness now and by metrics later. */
export interface SubgraphHealth {
  /** The subgraphs being followed: those of the supergraph being served. */
  readonly names: readonly string[];
  /** Follows the subgraph `name` served at `url` (again, at a new URL); it starts `down` until asked. */
  track(name: string, url: string): void;
  /** Stops following a subgraph that left the supergraph. */
  forget(name: string): void;
  /** The last known state, without asking anybody. */
  state(name: string): SubgraphState;
  /** Called with every change of a subgraph's state; returns the function that unsubscribes. */
  onChange(listener: SubgraphStateListener): () => void;
  /** Asks every subgraph not asked within the cache period for its readiness; resolves with all states. */
  check(): Promise<Record<string, SubgraphState>>;
  /**
   * The fetch layer reports its breaker opening (true) and half-opening or closing (false); ignored for a
   * subgraph not followed. While it is open, the subgraph's readiness is asked every `recoveryProbeMs`, and
   * `onReady` is called on the first success (from that loop or from a gateway readiness check), so a recovered
   * subgraph serves at once instead of after the breaker's reset period.
   */
  setBreakerOpen(name: string, open: boolean, onReady?: () => void): void;
  /** Stops the recovery probes (gateway shutdown). */
  stop(): void;
}

export interface SubgraphHealthOptions {
  /** Subgraph URLs by name to follow from the start (more with `track`); readiness is asked at each origin's `/health/ready`. */
  urls?: Readonly<Record<string, string>>;
  logger: Logger;
  /** How long an answer counts as recent. */
  maxAgeMs?: number;
  /** How long one readiness request may take. */
  probeTimeoutMs?: number;
  /** How often an open breaker's subgraph is asked whether it is ready again. */
  recoveryProbeMs?: number;
}

interface Entry {
  url: string;
  readyUrl: string;
  breakerOpen: boolean;
  answeredOk: boolean;
  checkedAt: number;
  pending: Promise<void> | undefined;
  state: SubgraphState;
  /** Set while the breaker is open: closes it. */
  onReady: (() => void) | undefined;
  recoveryTimer: NodeJS.Timeout | undefined;
}

/**
 * Readiness of the subgraphs, checked on demand (when the gateway's own readiness is asked) with a short
 * cache, so an idle gateway sends subgraphs no traffic and a burst of probes sends them one request each.
 * A half-open breaker counts as not open: otherwise an unready gateway that gets no traffic would never send
 * the probe that closes it. A subgraph without `/health/ready` is asked the smallest query there is instead,
 * so it is never down forever for lack of an endpoint the gateway cannot require of it.
 */
export function createSubgraphHealth({
  urls = {},
  logger,
  maxAgeMs = 1_000,
  probeTimeoutMs = 1_000,
  recoveryProbeMs = 250,
}: SubgraphHealthOptions): SubgraphHealth {
  const entryFor = (url: string): Entry => ({
    url,
    readyUrl: `${new URL(url).origin}/health/ready`,
    breakerOpen: false,
    answeredOk: false,
    checkedAt: Number.NEGATIVE_INFINITY,
    pending: undefined,
    state: 'down',
    onReady: undefined,
    recoveryTimer: undefined,
  });
  const entries = new Map<string, Entry>(Object.entries(urls).map(([name, url]) => [name, entryFor(url)]));
  const listeners = new Set<SubgraphStateListener>();

  const entryOf = (name: string): Entry => {
    const entry = entries.get(name);
    if (!entry) throw new Error(`unknown subgraph "${name}" (known: ${[...entries.keys()].join(', ')})`);
    return entry;
  };

  const update = (name: string, entry: Entry) => {
    const next: SubgraphState = entry.breakerOpen ? 'open' : entry.answeredOk ? 'up' : 'down';
    const previous = entry.state;
    if (next === previous) return;
    entry.state = next;
    logger.info({ subgraph: name, state: next, previous }, 'subgraph state changed');
    for (const listener of listeners) {
      try {
        listener(name, next, previous);
      } catch (error) {
        logger.error({ err: error, subgraph: name }, 'subgraph state listener failed');
      }
    }
  };

  const ask = async (name: string, entry: Entry): Promise<void> => {
    let ok = false;
    try {
      const response = await fetch(entry.readyUrl, { signal: AbortSignal.timeout(probeTimeoutMs) });
      ok = response.ok;
      await response.body?.cancel();
      // No such endpoint (404, 405, or a GraphQL server refusing a GET with 400): a third party's subgraph is
      // asked `{ __typename }` instead. Asked again each time, so one odd answer (a proxy mid-deploy) never
      // marks a subgraph as endpoint-less for good; 503 means not ready, 401/429 say nothing of either.
      if (NO_READY_ENDPOINT.has(response.status)) ok = await answersTypename(entry.url, probeTimeoutMs);
    } catch (error) {
      logger.debug({ subgraph: name, err: String(error) }, 'subgraph readiness check failed');
    }
    entry.answeredOk = ok;
    entry.checkedAt = Date.now();
    update(name, entry);
    // Only for the entry still followed: one replaced by a new URL speaks for the old address.
    if (ok && entry.breakerOpen && entries.get(name) === entry) entry.onReady?.();
  };

  const stopRecovery = (entry: Entry) => {
    clearTimeout(entry.recoveryTimer);
    entry.recoveryTimer = undefined;
  };

  /** Asks an open breaker's subgraph, again and again, until it is ready or the breaker is no longer open. */
  const watchRecovery = (name: string, entry: Entry) => {
    if (entry.recoveryTimer) return;
    const tick = () => {
      entry.recoveryTimer = undefined;
      // Not open any more, or no longer followed (it left the supergraph).
      if (!entry.breakerOpen || entries.get(name) !== entry) return;
      entry.pending ??= ask(name, entry).finally(() => (entry.pending = undefined));
      void entry.pending.then(() => {
        if (entry.breakerOpen && !entry.recoveryTimer && entries.get(name) === entry)
          entry.recoveryTimer = setTimeout(tick, recoveryProbeMs).unref();
      });
    };
    entry.recoveryTimer = setTimeout(tick, recoveryProbeMs).unref();
  };

  return {
    get names() {
      return [...entries.keys()];
    },
    track(name, url) {
      const entry = entries.get(name);
      if (entry?.url === url) return;
      if (entry) stopRecovery(entry);
      const next = { ...entryFor(url), breakerOpen: entry?.breakerOpen ?? false, onReady: entry?.onReady };
      entries.set(name, next);
      if (next.breakerOpen && next.onReady) watchRecovery(name, next);
    },
    forget(name) {
      const entry = entries.get(name);
      if (entry) {
        stopRecovery(entry);
        entry.onReady = undefined;
      }
      entries.delete(name);
    },
    state: (name) => entryOf(name).state,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async check() {
      await Promise.all(
        [...entries].map(([name, entry]) => {
          if (Date.now() - entry.checkedAt < maxAgeMs) return entry.pending;
          entry.pending ??= ask(name, entry).finally(() => (entry.pending = undefined));
          return entry.pending;
        }),
      );
      return Object.fromEntries([...entries].map(([name, entry]) => [name, entry.state]));
    },
    setBreakerOpen(name, open, onReady) {
      const entry = entries.get(name);
      if (!entry) return;
      entry.breakerOpen = open;
      entry.onReady = open ? onReady : undefined;
      update(name, entry);
      if (open && onReady) watchRecovery(name, entry);
      else stopRecovery(entry);
    },
    stop() {
      for (const entry of entries.values()) {
        entry.onReady = undefined;
        stopRecovery(entry);
      }
    },
  };
}

/** A subgraph without a readiness endpoint is ready when it answers the smallest GraphQL query there is. */
async function answersTypename(url: string, timeoutMs: number): Promise<boolean> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) {
    await response.body?.cancel();
    return false;
  }
  const body = (await response.json()) as { data?: { __typename?: unknown } | null };
  return typeof body.data?.__typename === 'string';
}
