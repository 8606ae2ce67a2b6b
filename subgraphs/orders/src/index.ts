import { tracing } from './tracing.ts'; // first: see tracing.ts
import { serveSubgraph } from '@supergraph/service-kit/subgraph';
import { ordersSubgraph } from './subgraph.ts';

await serveSubgraph(ordersSubgraph, tracing);
