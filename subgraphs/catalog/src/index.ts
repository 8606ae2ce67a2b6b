import { tracing } from './tracing.ts'; // first: see tracing.ts
import { serveSubgraph } from '@supergraph/service-kit/subgraph';
import { catalogSubgraph } from './subgraph.ts';

await serveSubgraph(catalogSubgraph, tracing);
