import { SUBGRAPHS, type Configuration, type ServerId, type SubgraphName } from './configurations.ts';
import { expectedData, responseProblems } from './expected.ts';
import type { Harness } from './harness.ts';
import { requestBody, type Operation } from './operations.ts';
import type { ProcessStats } from './process/messages.ts';

/** One request of a cell, alone on the system, checked in full, with exactly what it cost downstream. */
export interface Probe {
  status: number;
  body: string;
  /** Why the answer is wrong; empty when it is the expected one. */
  problems: string[];
  /** GraphQL requests that reached each subgraph (null for the monolith, which has none). */
  subgraphFetches: PerSubgraph | null;
  /** SQL statements, by database. */
  sql: PerSubgraph;
}

/** A count per subgraph (or its database) and their sum. */
export type PerSubgraph = Record<SubgraphName | 'total', number>;

const perSubgraph = (count: (name: SubgraphName) => number): PerSubgraph => {
  const counts = SUBGRAPHS.map((name) => [name, count(name)] as const);
  return {
    ...(Object.fromEntries(counts) as Record<SubgraphName, number>),
    total: counts.reduce((sum, [, value]) => sum + value, 0),
  };
};

/** The processes whose counters a configuration's requests move: the front server and our subgraphs. */
export function countedServers(config: Configuration): ServerId[] {
  return [...new Set<ServerId>([config.server, ...(config.usesSubgraphs ? SUBGRAPHS : [])])];
}

/** SQL statements per database in a set of processes' counters (subgraphs count their own, the monolith both). */
export function sqlByDatabase(stats: readonly ProcessStats[]): PerSubgraph {
  return perSubgraph((database) =>
    stats.reduce((total, { counters }) => total + (counters.sql[database] ?? 0), 0),
  );
}

/**
 * Sends one request (nothing else is running) and checks the answer against the dataset: no `errors`, exactly
 * the expected data, hence N edges. Counters are reset first, so the fetches and statements are this request's.
 */
export async function probe(
  harness: Harness,
  config: Configuration,
  op: Operation,
  first: number,
): Promise<Probe> {
  const ids = countedServers(config);
  await Promise.all(ids.map((id) => harness.server(id).resetCounters()));
  const response = await fetch(harness.server(config.server).url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await harness.headers(config)) },
    body: requestBody(op, first, config.byId),
    signal: AbortSignal.timeout(30_000),
  });
  const body = await response.text();
  const stats = new Map(
    await Promise.all(ids.map(async (id) => [id, await harness.server(id).stats()] as const)),
  );
  const fetchesOf = (id: ServerId) => stats.get(id)?.counters.graphqlRequests ?? 0;
  const problems = response.status === 200 ? [] : [`HTTP ${response.status}`];
  problems.push(...responseProblems(body, expectedData(op.id, first, harness.dataset)));
  return {
    status: response.status,
    body,
    problems,
    subgraphFetches: config.usesSubgraphs ? perSubgraph(fetchesOf) : null,
    sql: sqlByDatabase([...stats.values()]),
  };
}
