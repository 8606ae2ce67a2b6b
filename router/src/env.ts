import { join } from 'node:path';
import { ROLES } from '@supergraph/service-kit/auth';
import { commonEnv, parseEnv, port, secret } from '@supergraph/service-kit/env';
import { z } from 'zod';
import { DEFAULT_IDLE_SOCKET_MS } from './subgraph-http.ts';

/**
 * The supergraph the repository composes (`npm run schema:compose`), by path: the gateway reads it as a file and
 * imports nothing of the schema tooling or the subgraphs. The image copies it to the same place (Dockerfile).
 */
export const DEFAULT_SUPERGRAPH_PATH = join(import.meta.dirname, '..', '..', 'schema', 'supergraph.graphql');

/** The trusted documents `npm run codegen` writes from the client corpora (schema/persisted-query-manifest.json). */
export const DEFAULT_MANIFEST_PATH = join(
  import.meta.dirname,
  '..',
  '..',
  'schema',
  'persisted-query-manifest.json',
);

const timeoutMs = z.coerce.number().int().min(1).max(300_000);
const breakerErrorThresholdPercent = z.coerce.number().min(1).max(100);
const breakerVolumeThreshold = z.coerce.number().int().min(1);
const breakerResetMs = z.coerce.number().int().min(100).max(600_000);

/**
 * What one subgraph may override, as SUBGRAPH_<NAME>_<SETTING>: <NAME> is the subgraph's name in the supergraph,
 * upper-cased, with every character other than A-Z and 0-9 written as `_` (`user-accounts` → USER_ACCOUNTS).
 */
export const PER_SUBGRAPH_SETTINGS = {
  URL: z
    .url({
      protocol: /^https?$/,
      error: 'must be an http(s):// URL of the subgraph, e.g. http://users:4001/graphql',
    })
    .describe(
      "SUBGRAPH_<NAME>_URL: where the gateway sends subgraph <NAME>'s requests. Default: the URL the supergraph names for it (join__graph(url:)).",
    ),
  TIMEOUT_MS: timeoutMs.describe(
    'SUBGRAPH_<NAME>_TIMEOUT_MS: overrides SUBGRAPH_TIMEOUT_MS for subgraph <NAME>.',
  ),
  BREAKER_ERROR_THRESHOLD_PERCENT: breakerErrorThresholdPercent.describe(
    'SUBGRAPH_<NAME>_BREAKER_ERROR_THRESHOLD_PERCENT: overrides BREAKER_ERROR_THRESHOLD_PERCENT for subgraph <NAME>.',
  ),
  BREAKER_VOLUME_THRESHOLD: breakerVolumeThreshold.describe(
    'SUBGRAPH_<NAME>_BREAKER_VOLUME_THRESHOLD: overrides BREAKER_VOLUME_THRESHOLD for subgraph <NAME>.',
  ),
  BREAKER_RESET_MS: breakerResetMs.describe(
    'SUBGRAPH_<NAME>_BREAKER_RESET_MS: overrides BREAKER_RESET_MS for subgraph <NAME>.',
  ),
};

type PerSubgraphSetting = keyof typeof PER_SUBGRAPH_SETTINGS;

/** One subgraph's overrides, from its SUBGRAPH_<NAME>_* variables. */
export type SubgraphOverride = Partial<{
  [Setting in PerSubgraphSetting]: z.infer<(typeof PER_SUBGRAPH_SETTINGS)[Setting]>;
}>;

/** A per-subgraph variable: group 1 is the subgraph's <NAME>, group 2 the setting. */
export const PER_SUBGRAPH_VARIABLE = new RegExp(
  `^SUBGRAPH_([A-Z0-9_]+?)_(${Object.keys(PER_SUBGRAPH_SETTINGS).join('|')})$`,
);

export const routerEnvSchema = z.object({
  ...commonEnv,
  PORT: port(4000).describe('Port of the public GraphQL endpoint (`/graphql`) and `/health/*`.'),
  METRICS_PORT: port(9464).describe(
    "Internal port of the gateway's Prometheus `/metrics`: keep it off the public load balancer.",
  ),
  JWT_SECRET: secret.describe(
    'Verifies the access tokens clients send as `Authorization: Bearer <jwt>`; the same as the users service signs with.',
  ),
  INTERNAL_SECRET: secret.describe(
    "Signs the caller's identity for subgraphs (`x-internal-token`); the same every subgraph verifies with.",
  ),
  SUPERGRAPH_PATH: z
    .string()
    .min(1)
    .default(DEFAULT_SUPERGRAPH_PATH)
    .describe(
      "Path of the composed supergraph to serve: any supergraph, its subgraphs routed by their join__graph URLs. Default: the repository's schema/supergraph.graphql.",
    ),
  SANDBOX_USER_ID: z
    .uuid()
    .optional()
    .describe(
      'Development only: the landing page (Apollo Sandbox) opens with an access token for this user already in its headers. Unset: no token. Ignored in production, which has no landing page.',
    ),
  SANDBOX_USER_ROLE: z
    .enum(ROLES)
    .default('CUSTOMER')
    .describe("The role in SANDBOX_USER_ID's example token."),
  TRUSTED_DOCUMENTS: z
    .enum(['off', 'log', 'enforce'])
    .optional()
    .describe(
      'Trusted documents (docs/trusted-documents.md): `enforce` executes only operations of the manifest, sent by id (persistedQuery.sha256Hash or documentId), and refuses any other with 400 PERSISTED_QUERY_NOT_IN_LIST; `log` also executes other operations, counting and logging them as unknown; `off` reads no manifest. Default: `enforce` when NODE_ENV=production, else `off`.',
    ),
  TRUSTED_DOCUMENTS_MANIFEST: z
    .string()
    .min(1)
    .default(DEFAULT_MANIFEST_PATH)
    .describe(
      "Path of the trusted-documents manifest (Apollo's persisted query manifest format), read at start and reloaded with the supergraph when SUPERGRAPH_WATCH is on. Default: the repository's schema/persisted-query-manifest.json.",
    ),
  SUPERGRAPH_WATCH: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true')
    .describe(
      'Follow SUPERGRAPH_PATH (and the trusted-documents manifest) and switch to a new version without a restart; a version that does not load is refused and the old one keeps serving.',
    ),
  // Each subgraph is routed to the URL the supergraph names for it; SUBGRAPH_<NAME>_URL and the other
  // PER_SUBGRAPH_SETTINGS above override that and the defaults below, one subgraph at a time.
  SUBGRAPH_TIMEOUT_MS: timeoutMs
    .default(10_000)
    .describe(
      'Upper bound for one subgraph fetch, so a hung subgraph fails the request instead of holding it open; SUBGRAPH_<NAME>_TIMEOUT_MS overrides it per subgraph.',
    ),
  SUBGRAPH_IDLE_SOCKET_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(DEFAULT_IDLE_SOCKET_MS)
    .describe(
      "How long a keep-alive connection to a subgraph may idle before the gateway closes it (sooner when the subgraph's Keep-Alive: timeout= hint asks: 1 s before it). Keep it below the subgraphs' own keep-alive timeout (65 s for ours) so the gateway, not the subgraph, closes idle connections.",
    ),
  REQUEST_TIMEOUT_MS: timeoutMs
    .default(15_000)
    .describe(
      'Deadline of one client request: every subgraph fetch still running then is aborted and its fields answered SUBGRAPH_UNAVAILABLE.',
    ),
  // Circuit breaker, one per subgraph: opens when more than this share of its fetches failed (network
  // errors, 5xx, timeouts) within a 10 s window of at least BREAKER_VOLUME_THRESHOLD fetches; fails fast
  // while open; lets one probe through after BREAKER_RESET_MS.
  // SUBGRAPH_<NAME>_BREAKER_* override each per subgraph.
  BREAKER_ERROR_THRESHOLD_PERCENT: breakerErrorThresholdPercent
    .default(50)
    .describe("Share (%) of failed fetches within 10 s that opens a subgraph's circuit breaker."),
  BREAKER_VOLUME_THRESHOLD: breakerVolumeThreshold
    .default(5)
    .describe('Fetches a subgraph must have had within 10 s before its breaker may open.'),
  BREAKER_RESET_MS: breakerResetMs
    .default(10_000)
    .describe('How long an open breaker fails fast before it lets one probe fetch through.'),
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
  MAX_DEPTH: z.coerce
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('Deepest selection allowed (DEPTH_LIMIT_EXCEEDED).'),
  MAX_ALIASES: z.coerce
    .number()
    .int()
    .min(0)
    .default(15)
    .describe('Aliases per operation (ALIAS_LIMIT_EXCEEDED).'),
  MAX_DIRECTIVES: z.coerce
    .number()
    .int()
    .min(0)
    .default(20)
    .describe('Directives per operation (DIRECTIVE_LIMIT_EXCEEDED).'),
  MAX_TOKENS: z.coerce
    .number()
    .int()
    .min(10)
    .default(2_000)
    .describe('Lexical tokens per operation, counted before parsing (TOKEN_LIMIT_EXCEEDED).'),
  MAX_COST: z.coerce
    .number()
    .int()
    .min(1)
    .default(20_000)
    .describe(
      'Estimated resolved fields per operation, lists counted `first` times, variables included (COST_LIMIT_EXCEEDED).',
    ),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1_024)
    .default(100 * 1024)
    .describe('Largest request body accepted, in bytes (PAYLOAD_TOO_LARGE, HTTP 413).'),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce
    .number()
    .int()
    .min(1)
    .default(20)
    .describe(
      'Subscriptions one WebSocket connection may hold at once; one more is refused with TOO_MANY_SUBSCRIPTIONS (docs/subscriptions.md).',
    ),
  MAX_SUBSCRIPTIONS_PER_USER: z.coerce
    .number()
    .int()
    .min(1)
    .default(50)
    .describe(
      'Subscriptions one user may hold at once on one gateway replica, over every connection and transport (TOO_MANY_SUBSCRIPTIONS).',
    ),
  RATE_LIMIT_POINTS: z.coerce
    .number()
    .int()
    .min(1)
    .default(600)
    .describe('Requests a client may make per window: by user id when logged in, else by IP address.'),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(60)
    .describe('The rate-limit window (RATE_LIMITED, HTTP 429 with Retry-After).'),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/ })
    .optional()
    .describe(
      'redis:// URL of the rate-limit counters (and the response cache) shared by every gateway replica; unset → counters per process (`npm start` sets it when a local Redis answers).',
    ),
  REDIS_KEY_PREFIX: z
    .string()
    .min(1)
    .default('supergraph')
    .describe("Prefix of this deployment's Redis keys, so environments sharing a Redis never mix counters."),
  AUTHORIZATION_MODE: z
    .enum(['filter', 'reject'])
    .default('filter')
    .describe(
      'What the gateway does with fields the caller may not read (@authenticated, @requiresScopes, @policy in the supergraph): `filter` removes them before planning, answers each with null and an UNAUTHORIZED_FIELD_OR_TYPE error and executes the rest; `reject` refuses the whole request.',
    ),
  RESPONSE_CACHE: z
    .enum(['off', 'memory', 'redis'])
    .default('off')
    .describe(
      'Whole-response cache of queries, per caller, invalidated by every mutation: `redis` (shared by every replica; needs REDIS_URL or RESPONSE_CACHE_REDIS_URL), `memory` (one replica only: invalidation is per process) or `off`.',
    ),
  RESPONSE_CACHE_REDIS_URL: z
    .url({ protocol: /^rediss?$/ })
    .optional()
    .describe(
      "A Redis of the response cache's own, which may evict (allkeys-lru) while the rate-limit counters' Redis must not; unset → REDIS_URL.",
    ),
  QUERY_PLAN_CACHE_MIB: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_024)
    .default(30)
    .describe('Memory for cached query plans (MiB): each distinct operation is planned once.'),
  HEAP_GROWING_PERCENT: z.coerce
    .number()
    .int()
    .min(0)
    .max(400)
    .default(20)
    .describe(
      "How far (%) V8's old generation may grow past the last full GC's survivors before collecting again (heap.ts); 0 leaves V8's own heuristics: more memory, more throughput (docs/operations.md, Gateway memory).",
    ),
  DEDUPLICATE_INFLIGHT: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true')
    .describe('Identical overlapping subgraph queries of one caller share one fetch (never mutations).'),
  RESULT_SHAPING: z
    .enum(['lean', 'apollo'])
    .default('lean')
    .describe(
      "How the answer is rebuilt from the subgraphs' data after a query plan ran: `lean` (router/src/result-shaping/: Apollo's algorithm without its per-value allocations, used only on the @apollo/gateway file it follows) or `apollo`. Applied once per process, at start.",
    ),
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
    )
    .describe('Browser origins allowed to call the gateway, comma-separated.'),
});

type StaticRouterEnv = z.infer<typeof routerEnvSchema>;

export type TrustedDocumentsMode = NonNullable<StaticRouterEnv['TRUSTED_DOCUMENTS']>;

export interface RouterEnv extends Omit<StaticRouterEnv, 'TRUSTED_DOCUMENTS'> {
  /** Resolved from NODE_ENV when unset. */
  TRUSTED_DOCUMENTS: TrustedDocumentsMode;
  /** SUBGRAPH_<NAME>_* variables by <NAME>; which subgraphs they match is known only once a supergraph loads. */
  subgraphOverrides: Readonly<Record<string, SubgraphOverride>>;
}

/**
 * Parses the gateway's configuration from `source` (normally `process.env`), reporting every problem at once,
 * including a SUBGRAPH_* variable that is no setting at all (SUBGRAPH_USERS_ULR).
 */
export function loadEnv(source: Record<string, string | undefined>): RouterEnv {
  const perSubgraph: Record<string, z.ZodType> = {};
  for (const variable of Object.keys(source)) {
    if (!variable.startsWith('SUBGRAPH_') || Object.hasOwn(routerEnvSchema.shape, variable)) continue;
    const setting = PER_SUBGRAPH_VARIABLE.exec(variable)?.[2] as PerSubgraphSetting | undefined;
    perSubgraph[variable] = setting
      ? PER_SUBGRAPH_SETTINGS[setting].optional()
      : z.undefined({
          error: `not a gateway setting: per-subgraph settings are SUBGRAPH_<NAME>_{${Object.keys(PER_SUBGRAPH_SETTINGS).join(',')}}`,
        });
  }
  const parsed: Record<string, unknown> = parseEnv('gateway', routerEnvSchema.extend(perSubgraph), source);
  const fixed: Record<string, unknown> = {};
  const subgraphOverrides: Record<string, Record<string, unknown>> = {};
  for (const [variable, value] of Object.entries(parsed)) {
    const [, name, setting] =
      (Object.hasOwn(perSubgraph, variable) && PER_SUBGRAPH_VARIABLE.exec(variable)) || [];
    if (!name || !setting) fixed[variable] = value;
    else if (value !== undefined) (subgraphOverrides[name] ??= {})[setting] = value;
  }
  const env = fixed as StaticRouterEnv;
  return {
    ...env,
    TRUSTED_DOCUMENTS: env.TRUSTED_DOCUMENTS ?? (env.NODE_ENV === 'production' ? 'enforce' : 'off'),
    subgraphOverrides: subgraphOverrides as Record<string, SubgraphOverride>,
  };
}

/** Every fixed variable the gateway reads; deployment files are checked against it and PER_SUBGRAPH_VARIABLE. */
export const ENV_KEYS: readonly string[] = Object.keys(routerEnvSchema.shape);
