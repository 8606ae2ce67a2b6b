export { loadSubgraphs, loadSubgraphsFrom, type SubgraphSource, type SubgraphSchema } from './subgraphs.ts';
export { composeSupergraph, type CompositionOutcome } from './compose.ts';
export { SUPERGRAPH_PATH, renderSupergraphFile } from './supergraph-file.ts';
