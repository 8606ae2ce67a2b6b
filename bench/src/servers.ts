import type { Identity } from '@supergraph/service-kit/auth';
import type { BenchSecrets } from './auth.ts';
import type { MonolithOptions } from './configs/monolith.ts';
import type { RunningServer } from './configs/running.ts';
import type { SubgraphOptions } from './configs/subgraph.ts';
import { GATEWAY_NODE_OPTIONS } from '@supergraph/router/heap';
import { supergraphFor } from './configs/supergraph-sdl.ts';
import type { ServerId, SubgraphName } from './configurations.ts';

export interface GatewaySpec {
  secrets: BenchSecrets;
  subgraphUrls: Record<SubgraphName, string>;
  logLevel: string;
  /** Who the bare gateways (which verify no client token) say every request comes from. */
  identity: Identity;
  /** The header the subgraphs read the gateway's signed identity from (x-internal-token). */
  internalTokenHeader: string;
  /** What turns our gateway's response cache on for A+cache (RESPONSE_CACHE and where it keeps answers). */
  cacheEnv: Record<string, string>;
  /**
   * The traffic mix: the bare gateways (which verify no client token) forward the x-internal-token each client
   * sends for its own user, instead of the harness's one identity.
   */
  forwardClientToken?: boolean;
}

/** The current internal token for the bare gateways: re-signed before it expires. */
export type TokenSource = () => Promise<string>;

/** Everything needed to start one server, as plain JSON: it crosses into a child process as is. */
export type ServerSpec =
  | { server: SubgraphName; subgraph: SubgraphOptions }
  | { server: 'monolith'; monolith: MonolithOptions }
  | { server: Exclude<ServerId, SubgraphName | 'monolith'>; gateway: GatewaySpec };

/**
 * The node flags a server's process starts with: our gateway's as shipped (router/src/heap.ts: V8 sizes the
 * young generation at start, so the gateway's own code can't); every other server runs on Node's defaults.
 */
export function nodeFlagsFor(spec: ServerSpec): string[] {
  return spec.server.startsWith('gateway-ours') ? GATEWAY_NODE_OPTIONS.split(' ') : [];
}

/**
 * Starts the server a spec describes, in this process. Each configuration's modules are imported only when it
 * is started, so a process loads only what its server needs: its memory is that server's. The bare gateways
 * get their internal token from `tokens` (a benchmark child process: its parent signs them) or sign it here.
 */
export async function startServer(spec: ServerSpec, tokens?: TokenSource): Promise<RunningServer> {
  const tokenSource = async (gateway: GatewaySpec) =>
    gateway.forwardClientToken
      ? undefined
      : (tokens ??
        (await import('./auth.ts')).internalTokenSource(gateway.secrets.INTERNAL_SECRET, gateway.identity));
  const internalToken = async (gateway: GatewaySpec) => {
    const value = await tokenSource(gateway);
    return { header: gateway.internalTokenHeader, ...(value ? { value } : {}) };
  };
  switch (spec.server) {
    case 'users':
    case 'orders':
    case 'catalog':
      return (await import('./configs/subgraph.ts')).startSubgraph(spec.subgraph);
    case 'monolith':
      return (await import('./configs/monolith.ts')).startMonolith(spec.monolith);
    case 'gateway-ours':
      return (await import('./configs/our-gateway.ts')).startOurGateway(spec.gateway);
    case 'gateway-ours-cache':
      return (await import('./configs/our-gateway.ts')).startOurGateway({
        ...spec.gateway,
        env: spec.gateway.cacheEnv,
      });
    case 'gateway-ours-ids':
      return (await import('./configs/our-gateway.ts')).startOurGatewayById(spec.gateway);
    case 'gateway-ours-mix-ids':
      return (await import('./configs/our-gateway.ts')).startOurGatewayById(
        spec.gateway,
        (await import('./mix/manifest.ts')).mixManifest(),
      );
    case 'gateway-ours-nodedup':
      return (await import('./configs/our-gateway.ts')).startOurGateway({
        ...spec.gateway,
        env: { DEDUPLICATE_INFLIGHT: 'false' },
      });
    case 'gateway-hive':
    case 'gateway-hive-nodedup':
    case 'gateway-hive-rust':
      return (await import('./configs/hive-gateway.ts')).startHiveGateway({
        supergraphSdl: await supergraphFor(spec.gateway.subgraphUrls),
        internalToken: await internalToken(spec.gateway),
        deduplicateInflightRequests: spec.server !== 'gateway-hive-nodedup',
        rustPlanner: spec.server === 'gateway-hive-rust',
      });
    case 'gateway-apollo-bare':
      return (await import('./configs/bare-apollo-gateway.ts')).startBareApolloGateway({
        supergraphSdl: await supergraphFor(spec.gateway.subgraphUrls),
        internalToken: await internalToken(spec.gateway),
      });
  }
}
