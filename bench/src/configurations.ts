import type { Operation } from './operations.ts';

/** Our subgraphs: every run serves the whole graph, each in a process of its own with its own database. */
export const SUBGRAPHS = ['users', 'orders', 'catalog'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

export const isSubgraph = (id: string): id is SubgraphName => (SUBGRAPHS as readonly string[]).includes(id);

/** Where each subgraph of a run listens, read from the running servers (named after their subgraph). */
export function subgraphUrlsOf(servers: ReadonlyMap<string, { url: string }>): Record<SubgraphName, string> {
  const urls = SUBGRAPHS.map((name) => {
    const server = servers.get(name);
    if (!server) throw new Error(`subgraph ${name} is not running`);
    return [name, server.url] as const;
  });
  return Object.fromEntries(urls) as Record<SubgraphName, string>;
}

export type ConfigId = 'A' | 'A+cache' | 'A+ids' | "A'" | 'B' | 'C' | 'D' | "D'" | 'E';

/** Which server answers a configuration's requests; each runs in a process of its own during a benchmark. */
export type ServerId =
  | 'gateway-ours'
  | 'gateway-ours-cache'
  | 'gateway-ours-ids'
  | 'gateway-ours-mix-ids'
  | 'gateway-ours-nodedup'
  | 'gateway-hive'
  | 'gateway-hive-nodedup'
  | 'gateway-hive-rust'
  | 'gateway-apollo-bare'
  | 'monolith'
  | SubgraphName;

export interface Configuration {
  id: ConfigId;
  label: string;
  description: string;
  /** The server clients talk to. */
  server: ServerId;
  /** How clients prove who they are to it: a bearer access token, or (straight to a subgraph) the internal token. */
  auth: 'bearer' | 'internal-token' | 'none';
  /** True when its requests go through our subgraphs (so subgraph fetches and their SQL count). */
  usesSubgraphs: boolean;
  serves(op: Operation): boolean;
  /** The sizes it is measured at, when not all of them. */
  sizes?: readonly number[];
  /** Its clients send each operation's id (a trusted document), not its text. */
  byId?: boolean;
}

const all = () => true;

export const CONFIGURATIONS: readonly Configuration[] = [
  {
    id: 'A',
    label: 'our gateway',
    description:
      'buildRouter from @supergraph/router as shipped, NODE_ENV=production, queries sent as text (TRUSTED_DOCUMENTS=off), started with its heap sizing (router/src/heap.ts: NODE_OPTIONS --max-semi-space-size=16, HEAP_GROWING_PERCENT=20) (rate limit out of the way, no Redis)',
    server: 'gateway-ours',
    auth: 'bearer',
    usesSubgraphs: true,
    serves: all,
  },
  {
    id: 'A+cache',
    label: 'our gateway, response cache on',
    description:
      'A with its response cache on (off by default), answers in Redis (RESPONSE_CACHE=redis, BENCH_REDIS_URL) as with several replicas, rate limit still in process as in A: one client repeating one query is the best case for a cache; measured at N=10 for the cache speed-up',
    server: 'gateway-ours-cache',
    auth: 'bearer',
    usesSubgraphs: true,
    serves: all,
    sizes: [10],
  },
  {
    id: 'A+ids',
    label: 'our gateway, trusted documents by id',
    description:
      'A with TRUSTED_DOCUMENTS=enforce and a manifest of the bench operations: clients send extensions.persistedQuery.sha256Hash instead of the text, and the gateway runs the plan it compiled at load (A sends text with TRUSTED_DOCUMENTS=off); at N=10',
    server: 'gateway-ours-ids',
    auth: 'bearer',
    usesSubgraphs: true,
    serves: all,
    sizes: [10],
    byId: true,
  },
  {
    id: "A'",
    label: 'our gateway, no in-flight dedup',
    description:
      "A with DEDUPLICATE_INFLIGHT=false (on by default): the same work per request as D', C and E, which share nothing between requests; at N=10 and 100",
    server: 'gateway-ours-nodedup',
    auth: 'bearer',
    usesSubgraphs: true,
    serves: all,
    sizes: [10, 100],
  },
  {
    id: 'B',
    label: 'users subgraph direct',
    description:
      'the users subgraph without a gateway; the client sends a signed x-internal-token itself (O1 only)',
    server: 'users',
    auth: 'internal-token',
    usesSubgraphs: true,
    serves: (op) => op.singleSubgraph,
  },
  {
    id: 'C',
    label: 'monolith',
    description:
      'one Apollo Server with the three subgraphs’ schema and resolvers merged, hops resolved in-process by the same DataLoaders',
    server: 'monolith',
    auth: 'bearer',
    usesSubgraphs: false,
    serves: all,
  },
  {
    id: 'D',
    label: 'Hive Gateway',
    description:
      'createGatewayRuntime({ supergraph }) with its defaults (in-flight deduplication of subgraph fetches on)',
    server: 'gateway-hive',
    auth: 'none',
    usesSubgraphs: true,
    serves: all,
  },
  {
    id: "D'",
    label: 'Hive Gateway, no dedup',
    description: 'the same with deduplicateInflightRequests: false on its HTTP transport',
    server: 'gateway-hive-nodedup',
    auth: 'none',
    usesSubgraphs: true,
    serves: all,
  },
  {
    id: 'E',
    label: 'bare Apollo Gateway',
    description:
      'new ApolloGateway({ supergraphSdl }) + new ApolloServer({ gateway }) with defaults (standalone server)',
    server: 'gateway-apollo-bare',
    auth: 'none',
    usesSubgraphs: true,
    serves: all,
  },
];

export function configuration(id: ConfigId): Configuration {
  const found = CONFIGURATIONS.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`unknown configuration ${id}`);
  return found;
}

export const isConfigId = (value: string): value is ConfigId => CONFIGURATIONS.some(({ id }) => id === value);
