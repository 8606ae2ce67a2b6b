import { DURATION_BUCKETS } from '@supergraph/service-kit/metrics';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { FetchObserver, FetchOutcome } from './subgraph-fetch.ts';
import type { SubgraphHealth, SubgraphState } from './subgraph-health.ts';

const STATES: readonly SubgraphState[] = ['up', 'down', 'open'];
const OUTCOMES: readonly FetchOutcome[] = [
  'success',
  'client-error',
  'unreachable',
  'server-error',
  'timeout',
  'deadline',
  'breaker-open',
];

/**
 * The gateway's own metrics, next to the request metrics every service has (same registry): how each subgraph
 * fetch went, and each subgraph's state. Labels are bounded: subgraph names come from the supergraph being
 * served (a subgraph that leaves it is forgotten), outcomes from a fixed list.
 */
export function createGatewayMetrics(
  registry: Registry,
  health: SubgraphHealth,
): FetchObserver & { forget(subgraph: string): void } {
  const fetchDuration = new Histogram({
    name: 'subgraph_fetch_duration_seconds',
    help:
      'Subgraph fetch attempts (a retry is a second attempt) by subgraph and outcome: success, client-error (HTTP 4xx), ' +
      'unreachable, server-error (HTTP 5xx), timeout, deadline (the client request ran out of time) or breaker-open (not sent).',
    labelNames: ['subgraph', 'outcome'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'subgraph_fetch_retries_total',
    help: 'Subgraph fetches retried once after a transient failure (queries only, never mutations).',
    labelNames: ['subgraph'],
    registers: [registry],
  });
  new Gauge({
    name: 'subgraph_state',
    help:
      "Each subgraph's state, 1 for the current one: up (ready), down (its /health/ready failed or was not asked yet), " +
      'open (its circuit breaker is open; fetches fail fast). Checked at each scrape (cached for 1 s).',
    labelNames: ['subgraph', 'state'],
    registers: [registry],
    async collect() {
      const states = await health.check();
      this.reset(); // only the subgraphs served now
      for (const [subgraph, current] of Object.entries(states)) {
        for (const state of STATES) this.set({ subgraph, state }, state === current ? 1 : 0);
      }
    },
  });
  const transitions = new Counter({
    name: 'subgraph_state_changes_total',
    help: "Changes of a subgraph's state, by the state it changed to: counts breaker openings even between scrapes.",
    labelNames: ['subgraph', 'state'],
    registers: [registry],
  });
  health.onChange((subgraph, state) => transitions.inc({ subgraph, state }));

  return {
    fetched(subgraph, outcome, seconds) {
      fetchDuration.observe({ subgraph, outcome }, seconds);
    },
    retried(subgraph) {
      retries.inc({ subgraph });
    },
    forget(subgraph) {
      for (const outcome of OUTCOMES) fetchDuration.remove({ subgraph, outcome });
      for (const state of STATES) transitions.remove({ subgraph, state });
      retries.remove({ subgraph });
    },
  };
}
