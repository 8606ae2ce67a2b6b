import { tracing } from './tracing.ts'; // first: see tracing.ts
import { serveSubgraph } from '@supergraph/service-kit/subgraph';
import { usersSubgraph } from './subgraph.ts';

await serveSubgraph(usersSubgraph, tracing);
