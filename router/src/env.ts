import { SUPERGRAPH_PATH } from '@supergraph/schema/supergraph-file';
import { commonEnv, parseEnv, port, secret } from '@supergraph/service-kit';
import { z } from 'zod';

const subgraphUrl = (fallback: string) =>
  z
    .url({ protocol: /^https?$/, error: `must be an http(s):// URL of the subgraph, e.g. ${fallback}` })
    .default(fallback);

const routerEnvSchema = z.object({
  ...commonEnv,
  PORT: port(4000),
  /** Verifies the access tokens clients send as `Authorization: Bearer <jwt>`; shared with the users service. */
  JWT_SECRET: secret,
  /** Signs the caller's identity for subgraphs (`x-internal-token`); shared with every subgraph. */
  INTERNAL_SECRET: secret,
  /** The composed supergraph to serve; defaults to the committed schema/supergraph.graphql. */
  SUPERGRAPH_PATH: z.string().min(1).default(SUPERGRAPH_PATH),
  // The supergraph's own URLs are only composition defaults; these decide where requests really go.
  SUBGRAPH_USERS_URL: subgraphUrl('http://127.0.0.1:4001/graphql'),
  SUBGRAPH_ORDERS_URL: subgraphUrl('http://127.0.0.1:4002/graphql'),
  /** Upper bound for one subgraph fetch, so a hung subgraph fails the request instead of holding it open. */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(1).max(300_000).default(10_000),
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
