import type { Logger } from '@supergraph/service-kit/logger';

/**
 * `open`: the subgraph's circuit breaker is open (the gateway fails its fetches fast); `down`: its own
 * `/health/ready` did not answer 200 lately (or has not been asked yet); `up`: it did, and the breaker is not open.
 */
export type SubgraphState = 'up' | 'down' | 'open';

export type SubgraphStateListener = (name: string, state: SubgraphState, previous: SubgraphState) => void;

/** What the gateway knows about each subgraph's health; read by readiness now and by metrics later. */
export interface SubgraphHealth {
  readonly names: readonly string[];
  /** The last known state, without asking anybody. */
  state(name: string): SubgraphState;
  /** Called with every change of a subgraph's state; returns the function that unsubscribes. */
  onChange(listener: SubgraphStateListener): () => void;
  /** Asks every subgraph not asked within the cache period for its readiness; resolves with all states. */
  check(): Promise<Record<string, SubgraphState>>;
  /**
   * The fetch layer reports its breaker opening (true) and half-opening or closing (false). While it is open,
   * the subgraph's readiness is asked every `recoveryProbeMs`, and `onReady` is called on the first 200 (from
   * that loop or from a gateway readiness check), so a recovered subgraph serves at once instead of after the
   * breaker's reset period.
   */
  setBreakerOpen(name: string, open: boolean, onReady?: () => void): void;
  /** Stops the recovery probes (gateway shutdown). */
  stop(): void;
}

export interface SubgraphHealthOptions {
  /** Subgraph URLs by name; readiness is asked at the origin of each, `/health/ready`. */
  urls: Readonly<Record<string, string>>;
  logger: Logger;
  /** How long an answer counts as recent. */
  maxAgeMs?: number;
  /** How long one readiness request may take. */
  probeTimeoutMs?: number;
  /** How often an open breaker's subgraph is asked whether it is ready again. */
  recoveryProbeMs?: number;
}

interface Entry {
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
 * the probe that closes it.
 */
export function createSubgraphHealth({
  urls,
  logger,
  maxAgeMs = 1_000,
  probeTimeoutMs = 1_000,
  recoveryProbeMs = 250,
}: SubgraphHealthOptions): SubgraphHealth {
  const entries = new Map<string, Entry>(
    Object.entries(urls).map(([name, url]) => [
      name,
      {
        readyUrl: `${new URL(url).origin}/health/ready`,
        breakerOpen: false,
        answeredOk: false,
        checkedAt: Number.NEGATIVE_INFINITY,
        pending: undefined,
        state: 'down',
        onReady: undefined,
        recoveryTimer: undefined,
      },
    ]),
  );
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
    } catch (error) {
      logger.debug({ subgraph: name, err: String(error) }, 'subgraph readiness check failed');
    }
    entry.answeredOk = ok;
    entry.checkedAt = Date.now();
    update(name, entry);
    if (ok && entry.breakerOpen) entry.onReady?.();
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
      if (!entry.breakerOpen) return;
      entry.pending ??= ask(name, entry).finally(() => (entry.pending = undefined));
      void entry.pending.then(() => {
        if (entry.breakerOpen && !entry.recoveryTimer)
          entry.recoveryTimer = setTimeout(tick, recoveryProbeMs).unref();
      });
    };
    entry.recoveryTimer = setTimeout(tick, recoveryProbeMs).unref();
  };

  return {
    names: [...entries.keys()],
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
      const entry = entryOf(name);
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
