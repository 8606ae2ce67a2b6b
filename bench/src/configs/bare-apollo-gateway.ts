import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { NO_COUNTERS, type RunningServer } from './running.ts';

/** The one thing the bare gateway must add or the subgraphs refuse it: the signed internal token. */
class InternalTokenDataSource extends RemoteGraphQLDataSource {
  readonly #token: BareApolloGatewayOptions['internalToken'];

  constructor(url: string, token: BareApolloGatewayOptions['internalToken']) {
    super({ url });
    this.#token = token;
  }

  override async willSendRequest({ request }: GraphQLDataSourceProcessOptions): Promise<void> {
    request.http?.headers.set(this.#token.header, await this.#token.value());
  }
}

export interface BareApolloGatewayOptions {
  /** The supergraph with this run's subgraph URLs (see supergraph-sdl.ts). */
  supergraphSdl: string;
  /** The signed identity subgraphs require on every fetch, and where it goes. */
  internalToken: { header: string; value: () => Promise<string> };
}

/**
 * Configuration E: `new ApolloGateway({ supergraphSdl })` behind `new ApolloServer({ gateway })` with Apollo's
 * defaults and its standalone HTTP server — what our gateway would be without anything we added.
 */
export async function startBareApolloGateway(options: BareApolloGatewayOptions): Promise<RunningServer> {
  // Otherwise @apollo/gateway reports usage to Apollo and probes cloud metadata (169.254.169.254).
  process.env['APOLLO_TELEMETRY_DISABLED'] = 'true';
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ url }) => {
      if (!url) throw new Error('the supergraph names a subgraph without a URL');
      return new InternalTokenDataSource(url, options.internalToken);
    },
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return {
    url: new URL('/graphql', url).toString(),
    ...NO_COUNTERS,
    stop: () => server.stop(),
  };
}
