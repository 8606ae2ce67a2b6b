import type { RequestListener } from 'node:http';

/** What a server counts while it is measured: GraphQL requests that reached it, SQL statements it ran. */
export interface Counters {
  /** Requests to `/graphql` (for a subgraph: the fetches gateways made to it). */
  graphqlRequests: number;
  /** SQL statements, by database. */
  sql: Record<string, number>;
}

/** Wraps an HTTP app so every request to /graphql is counted, as e2e's stack does for its subgraphs. */
export function countingGraphQLRequests(app: RequestListener): {
  handler: RequestListener;
  count(): number;
  reset(): void;
} {
  let requests = 0;
  return {
    handler: (req, res) => {
      if (req.url?.startsWith('/graphql')) requests += 1;
      app(req, res);
    },
    count: () => requests,
    reset: () => {
      requests = 0;
    },
  };
}
