import { SUPERGRAPH_PATH } from '@supergraph/schema/supergraph-file';
import { commonEnv, parseEnv, port, secret } from '@supergraph/service-kit/env';
import { z } from 'zod';

const subgraphUrl = (fallback: string) =>
  z
    .url({ protocol: /^https?$/, error: `must be an http(s):// URL of the subgraph, e.g. ${fallback}` })
    .default(fallback);

const timeoutMs = z.coerce.number().int().min(1).max(300_000);

const routerEnvSchema = z.object({
  ...commonEnv,
  PORT: port(4000),
  /** Internal port for Prometheus' `/metrics`: keep it off the public load balancer. */
  METRICS_PORT: port(9464),
  /** Verifies the access tokens clients send as `Authorization: Bearer <jwt>`; shared with the users service. */
  JWT_SECRET: secret,
  /** Signs the caller's identity for subgraphs (`x-internal-token`); shared with every subgraph. */
  INTERNAL_SECRET: secret,
  /** The composed supergraph to serve; defaults to the committed schema/supergraph.graphql. */
  SUPERGRAPH_PATH: z.string().min(1).default(SUPERGRAPH_PATH),
  /** Follow the supergraph file and switch to a new version without a restart (see supergraph-watch.ts). */
  SUPERGRAPH_WATCH: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  // The supergraph's own URLs are only composition defaults; these decide where requests really go.
  SUBGRAPH_USERS_URL: subgraphUrl('http://127.0.0.1:4001/graphql'),
  SUBGRAPH_ORDERS_URL: subgraphUrl('http://127.0.0.1:4002/graphql'),
  /** Upper bound for one subgraph fetch, so a hung subgraph fails the request instead of holding it open. */
  SUBGRAPH_TIMEOUT_MS: timeoutMs.default(10_000),
  /** Per-subgraph overrides of SUBGRAPH_TIMEOUT_MS. */
  SUBGRAPH_USERS_TIMEOUT_MS: timeoutMs.optional(),
  SUBGRAPH_ORDERS_TIMEOUT_MS: timeoutMs.optional(),
  /** Deadline of one client request: every subgraph fetch still running then is aborted. */
  REQUEST_TIMEOUT_MS: timeoutMs.default(15_000),
  // Circuit breaker, one per subgraph: opens when more than this share of its fetches failed (network
  // errors, 5xx, timeouts) within a 10 s window of at least BREAKER_VOLUME_THRESHOLD fetches; fails fast
  // while open; lets one probe through after BREAKER_RESET_MS.
  BREAKER_ERROR_THRESHOLD_PERCENT: z.coerce.number().min(1).max(100).default(50),
  BREAKER_VOLUME_THRESHOLD: z.coerce.number().int().min(1).default(5),
  BREAKER_RESET_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  BREAKER_RECOVERY_PROBE_MS: z.coerce
    .number()
    .int()
    .min(50)
    .max(60_000)
    .default(250)
    .describe(
      "While a subgraph's breaker is open, how often the gateway asks the subgraph's /health/ready; the first 200 closes the breaker at once (instead of after BREAKER_RESET_MS).",
    ),

  // Abuse limits: checked at the gateway, so a refused operation never reaches a subgraph.
  MAX_DEPTH: z.coerce.number().int().min(1).default(10),
  MAX_ALIASES: z.coerce.number().int().min(0).default(15),
  MAX_DIRECTIVES: z.coerce.number().int().min(0).default(20),
  MAX_TOKENS: z.coerce.number().int().min(10).default(2_000),
  /** Estimated resolved fields per operation, lists counted `first` times (see cost.ts). */
  MAX_COST: z.coerce.number().int().min(1).default(20_000),
  /** Largest request body accepted, in bytes. */
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1_024)
    .default(100 * 1024),
  /** Requests a client may make per window: keyed by user id when logged in, else by IP address. */
  RATE_LIMIT_POINTS: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** redis:// URL for the shared rate-limit counters; unset → counters in this process only (development). */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Prefix for this deployment's keys in Redis, so environments sharing a Redis never mix counters. */
  REDIS_KEY_PREFIX: z.string().min(1).default('supergraph'),
  /**
   * Whole-response cache for queries: `redis` (shared by every replica; needs REDIS_URL), `memory` (this
   * process only — correct with a single gateway replica, since invalidation is per process), or `off`.
   */
  RESPONSE_CACHE: z.enum(['off', 'memory', 'redis']).default('off'),
  /**
   * Redis for the response cache when it is not REDIS_URL's. A Redis of its own can evict cache entries under
   * memory pressure (maxmemory-policy allkeys-lru) while the rate-limit counters' Redis never evicts.
   */
  RESPONSE_CACHE_REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Memory for cached query plans (MiB): each distinct operation is planned once, then served from here. */
  QUERY_PLAN_CACHE_MIB: z.coerce.number().int().min(1).max(1_024).default(30),
  /**
   * How far (%) the old generation may grow past what survived the last full GC before V8 collects again
   * (heap.ts); 0 leaves V8's own heuristics, which let a busy gateway hold several times its live memory.
   */
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(400).default(30),
  /** Share one subgraph fetch between identical, overlapping queries of the same caller (never mutations). */
  DEDUPLICATE_INFLIGHT: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /**
   * How the answer is rebuilt from the subgraphs' data after a query plan ran: `lean` (result-shaping.ts: Apollo's
   * algorithm without its per-value allocations; used only on the @apollo/gateway 2.14.4 file it follows, see
   * apollo-result-shaping.ts) or `apollo`.
   */
  RESULT_SHAPING: z.enum(['lean', 'apollo']).default('lean'),
  /** Browser origins allowed to call the gateway (comma-separated). */
  CORS_ORIGINS: z
    .string()
    .default(
      'http://localhost:3000,http://127.0.0.1:3000,https://sandbox.embed.apollographql.com,https://studio.apollographql.com',
    )
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
});

export type RouterEnv = z.infer<typeof routerEnvSchema>;

/** Parses the gateway's configuration from `source` (normally `process.env`), reporting every problem at once. */
export function loadEnv(source: Record<string, string | undefined>): RouterEnv {
  return parseEnv('gateway', routerEnvSchema, source);
}

/** Where each subgraph named in the supergraph is served, by subgraph name. */
export function subgraphUrlsOf(env: RouterEnv): Readonly<Record<string, string>> {
  return { users: env.SUBGRAPH_USERS_URL, orders: env.SUBGRAPH_ORDERS_URL };
}

/** How long one fetch from each subgraph may take, by subgraph name. */
export function subgraphTimeoutsOf(env: RouterEnv): Readonly<Record<string, number>> {
  return {
    users: env.SUBGRAPH_USERS_TIMEOUT_MS ?? env.SUBGRAPH_TIMEOUT_MS,
    orders: env.SUBGRAPH_ORDERS_TIMEOUT_MS ?? env.SUBGRAPH_TIMEOUT_MS,
  };
}

/** Every variable the gateway reads: deployment files are checked against it in tests. */
export const ENV_KEYS: readonly string[] = Object.keys(routerEnvSchema.shape);
