import { ApolloGateway, type GatewayConfig } from '@apollo/gateway';
import { DEFAULT_SUPPORTED_SUPERGRAPH_FEATURES, Supergraph } from '@apollo/federation-internals';

/**
 * The `@link` features this gateway serves: federation-internals' defaults, plus the three authorization
 * features, accepted only because authorization/ enforces them. Any other feature linked `for: SECURITY` or
 * `for: EXECUTION` is still refused ("feature … is for: SECURITY but is unsupported"): serving a supergraph
 * whose security rules are silently ignored would fail open.
 */
export const GATEWAY_SUPPORTED_FEATURES: ReadonlySet<string> = new Set([
  ...DEFAULT_SUPPORTED_SUPERGRAPH_FEATURES,
  'https://specs.apollo.dev/authenticated/v0.1',
  'https://specs.apollo.dev/requiresScopes/v0.1',
  'https://specs.apollo.dev/policy/v0.1',
]);

/** Supergraph.build with the gateway's feature set (every place the router builds one goes through here). */
export function buildServedSupergraph(
  sdl: string,
  options: { validateSupergraph?: boolean } = {},
): Supergraph {
  return Supergraph.build(sdl, {
    supportedFeatures: GATEWAY_SUPPORTED_FEATURES as Set<string>,
    ...(options.validateSupergraph !== undefined ? { validateSupergraph: options.validateSupergraph } : {}),
  });
}

/** What ApolloGateway calls, privately, to build a supergraph; its only other choice is the default features. */
interface GatewayInternals {
  config: GatewayConfig & { validateSupergraph?: boolean };
  createServices(services: ReturnType<Supergraph['subgraphsMetadata']>): void;
  serviceListFromSupergraphSdl(sdl: string): ReturnType<Supergraph['subgraphsMetadata']>;
  createSchemaFromSupergraphSdl(sdl: string): { supergraph: Supergraph; supergraphSdl: string };
}

/**
 * An ApolloGateway that builds supergraphs with GATEWAY_SUPPORTED_FEATURES. @apollo/gateway 2.14 hard-codes the
 * default set in these two private methods (dist/index.js); they are replaced with the same bodies and our set.
 */
export function createEnforcingGateway(config: GatewayConfig): ApolloGateway {
  const gateway = new ApolloGateway(config);
  const internals = gateway as unknown as GatewayInternals;
  internals.serviceListFromSupergraphSdl = (sdl) => buildServedSupergraph(sdl).subgraphsMetadata();
  internals.createSchemaFromSupergraphSdl = (sdl) => {
    const supergraph = buildServedSupergraph(sdl, {
      validateSupergraph: internals.config.validateSupergraph ?? process.env['NODE_ENV'] !== 'production',
    });
    internals.createServices(supergraph.subgraphsMetadata());
    return { supergraph, supergraphSdl: sdl };
  };
  return gateway;
}
