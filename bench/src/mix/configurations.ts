import type { ServerId, SubgraphName } from '../configurations.ts';

export type MixConfigId = 'A' | 'A-text' | 'A+cache' | 'B' | 'D' | 'D-rust' | 'E';

export interface MixConfiguration {
  id: MixConfigId;
  label: string;
  description: string;
  /** The gateway clients talk to; null for B, whose client calls the subgraphs itself. */
  server: Exclude<ServerId, SubgraphName | 'monolith'> | null;
  /** A bearer access token per user (our gateway verifies it), or the signed internal token per user. */
  auth: 'bearer' | 'internal-token';
  /** How its clients name the operation: by trusted-document id (as web/ sends it) or by its text. */
  sends: 'id' | 'text';
}

/** The configurations the traffic mix measures, in report order. */
export const MIX_CONFIGURATIONS: readonly MixConfiguration[] = [
  {
    id: 'A',
    label: 'our gateway, called as web/ calls it',
    description:
      'buildRouter as shipped to production (all hardening on, in-flight dedup on, response cache off, TRUSTED_DOCUMENTS=enforce with a manifest of the mix’s operations); each client sends its operation by trusted-document id (extensions.persistedQuery, as web/’s persisted-query link does) and its own user’s bearer token, which the gateway verifies and turns into a signed x-internal-token',
    server: 'gateway-ours-mix-ids',
    auth: 'bearer',
    sends: 'id',
  },
  {
    id: 'A-text',
    label: 'our gateway, free text',
    description:
      'A with TRUSTED_DOCUMENTS=off and clients sending each operation’s text, as D and E get it: every request goes through Apollo Server’s pipeline (its parse/validate cache per query string) and the gateway’s plan cache',
    server: 'gateway-ours',
    auth: 'bearer',
    sends: 'text',
  },
  {
    id: 'A+cache',
    label: 'our gateway, response cache on',
    description:
      'A-text with its response cache on, answers in Redis (BENCH_REDIS_URL), entries per caller; clients send text',
    server: 'gateway-ours-cache',
    auth: 'bearer',
    sends: 'text',
  },
  {
    id: 'D',
    label: 'Hive Gateway',
    description:
      'createGatewayRuntime({ supergraph }) with its defaults; verifies no token: forwards the x-internal-token each client signs for its user',
    server: 'gateway-hive',
    auth: 'internal-token',
    sends: 'text',
  },
  {
    id: 'D-rust',
    label: 'Hive Gateway, Rust planner',
    description:
      'D with unifiedGraphHandler from @graphql-hive/router-runtime (Hive Router’s Rust query planner, a native addon shipped in the npm package, and its executor)',
    server: 'gateway-hive-rust',
    auth: 'internal-token',
    sends: 'text',
  },
  {
    id: 'E',
    label: 'bare Apollo Gateway',
    description:
      'new ApolloGateway({ supergraphSdl }) + ApolloServer defaults; forwards the x-internal-token each client signs for its user',
    server: 'gateway-apollo-bare',
    auth: 'internal-token',
    sends: 'text',
  },
  {
    id: 'B',
    label: 'subgraphs direct',
    description:
      'no gateway: the client sends each operation’s subgraph fetches itself (the gateway’s plan, entity representations known in advance) with its user’s signed x-internal-token — the physical limit for a gateway on this traffic',
    server: null,
    auth: 'internal-token',
    sends: 'text',
  },
];

export const isMixConfigId = (value: string): value is MixConfigId =>
  MIX_CONFIGURATIONS.some(({ id }) => id === value);

export function mixConfiguration(id: MixConfigId): MixConfiguration {
  const found = MIX_CONFIGURATIONS.find((config) => config.id === id);
  if (!found) throw new Error(`unknown mix configuration ${id}`);
  return found;
}
