import { boundedLabel, DURATION_BUCKETS, operationLabelOf } from '@supergraph/service-kit/metrics';
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

/** What the subscriptions module reports; the operation label is bounded (operationLabelOf, boundedLabel). */
export interface SubscriptionMetrics {
  started(operation: string, transport: 'ws' | 'sse'): void;
  ended(operation: string, transport: 'ws' | 'sse', reason: string): void;
  /** An event delivered to a client, `seconds` after it occurred at its subgraph (or was received from it). */
  delivered(operation: string, seconds: number): void;
}

/** Operation names are chosen by clients: past this many distinct ones, the label is `other`. */
const SUBSCRIPTION_OPERATIONS = 100;

export function createSubscriptionMetrics(registry: Registry): SubscriptionMetrics {
  const label = boundedLabel(SUBSCRIPTION_OPERATIONS);
  const operationOf = (name: string) => label(operationLabelOf(name === '' ? null : name));
  const active = new Gauge({
    name: 'graphql_subscriptions_active',
    help: 'Subscriptions running now, by operation name and transport (ws: graphql-ws, sse: graphql-sse).',
    labelNames: ['operation', 'transport'],
    registers: [registry],
  });
  const ends = new Counter({
    name: 'graphql_subscriptions_ended_total',
    help:
      'Subscriptions that ended, by operation and why: complete (the client or the subgraph completed it), interrupted ' +
      '(the subgraph stream dropped), schemaReload, tokenExpired, shuttingDown, error (refused by the subgraph).',
    labelNames: ['operation', 'transport', 'reason'],
    registers: [registry],
  });
  const events = new Counter({
    name: 'graphql_subscription_events_total',
    help: 'Subscription events sent to clients, by operation.',
    labelNames: ['operation'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'graphql_subscription_delivery_seconds',
    help: "From an event's occurredAt at its subgraph (the payload's extensions; else its receipt at the gateway) to its result being sent to the client.",
    labelNames: ['operation'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  return {
    started(operation, transport) {
      active.inc({ operation: operationOf(operation), transport });
    },
    ended(operation, transport, reason) {
      const labels = { operation: operationOf(operation), transport };
      active.dec(labels);
      ends.inc({ ...labels, reason });
    },
    delivered(operation, seconds) {
      const labels = { operation: operationOf(operation) };
      events.inc(labels);
      latency.observe(labels, seconds);
    },
  };
}
