import { readSdl as readOrdersSdl } from '@supergraph/orders/schema-files';
import { readSdl as readUsersSdl } from '@supergraph/users/schema-files';

/** One subgraph as composition sees it: its name, a default routing URL and its SDL. */
export interface SubgraphSource {
  readonly name: string;
  /** Only the default written into the supergraph; the gateway routes by its own configuration. */
  readonly url: string;
  readonly sdl: string;
}

/** The subgraphs that make up the supergraph, with their SDL read from disk now (not at import). */
export function loadSubgraphs(): SubgraphSource[] {
  return [
    { name: 'users', url: 'http://127.0.0.1:4001/graphql', sdl: readUsersSdl() },
    { name: 'orders', url: 'http://127.0.0.1:4002/graphql', sdl: readOrdersSdl() },
  ];
}
