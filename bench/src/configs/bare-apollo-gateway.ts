import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { NO_COUNTERS, type RunningServer } from './running.ts';

/** What the bare gateway keeps of a client request: the internal token it sent, when it forwards clients' own. */
interface ClientTokenContext {
  clientToken?: string | undefined;
}

/** The one thing the bare gateway must add or the subgraphs refuse it: the signed internal token. */
class InternalTokenDataSource extends RemoteGraphQLDataSource<ClientTokenContext> {
  readonly #token: BareApolloGatewayOptions['internalToken'];

  constructor(url: string, token: BareApolloGatewayOptions['internalToken']) {
    super({ url });
    this.#token = token;
  }

  override async willSendRequest({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<ClientTokenContext>): Promise<void> {
    const { header, value } = this.#token;
    request.http?.headers.set(header, value ? await value() : (context.clientToken ?? ''));
  }
}

export interface BareApolloGatewayOptions {
  /** The supergraph with this run's subgraph URLs (see supergraph-sdl.ts). */
  supergraphSdl: string;
  /**
   * The signed identity subgraphs require on every fetch, and where it goes: the harness's own (`value`), or
   * (no `value`: the traffic mix, many callers) the one each client sends in that header, forwarded as is.
   */
  internalToken: { header: string; value?: () => Promise<string> };
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
  const server = new ApolloServer<ClientTokenContext>({ gateway });
  const { header, value } = options.internalToken;
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => (value ? {} : { clientToken: req.headers[header] as string | undefined }),
  });
  return {
    url: new URL('/graphql', url).toString(),
    ...NO_COUNTERS,
    stop: () => server.stop(),
  };
}
