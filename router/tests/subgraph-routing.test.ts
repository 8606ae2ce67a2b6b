import { composeServices } from '@apollo/composition';
import { createLogger } from '@supergraph/service-kit/logger';
import { testSecrets } from '@supergraph/testing';
import { parse } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env.ts';
import { subgraphCall } from '../src/request-scope.ts';
import { createSubgraphFetchers } from '../src/subgraph-fetch.ts';
import { createSubgraphHealth } from '../src/subgraph-health.ts';
import { createSubgraphRouting } from '../src/subgraph-routing.ts';
import { startProbe, type Probe } from './probe.ts';

const logger = createLogger('gateway', 'silent');

/** A supergraph of the subgraphs `names`, each with a one-field Query, all routed to `url`. */
function supergraphOf(names: string[], url: string): string {
  const composed = composeServices(
    names.map((name) => ({
      name,
      url,
      typeDefs: parse(
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])\n' +
          `type Query { ${name}Count: Int }`,
      ),
    })),
  );
  if (composed.errors) throw new Error(composed.errors.join('\n'));
  return composed.supergraphSdl;
}

const probes: Probe[] = [];
afterEach(async () => {
  await Promise.all(probes.splice(0).map((probe) => probe.close()));
});

describe('subgraph routing across reloads', () => {
  it('follows the subgraph list, retires a removed subgraph after the request deadline, and serves it again if it returns', async () => {
    const probe = await startProbe(() => ({ json: { data: { inventoryCount: 1 } } }));
    probes.push(probe);
    const env = loadEnv({ ...testSecrets(), REQUEST_TIMEOUT_MS: '100' });
    const health = createSubgraphHealth({ logger, maxAgeMs: 0 });
    const retired: string[] = [];
    const routing = createSubgraphRouting({
      env,
      logger,
      health,
      fetchers: createSubgraphFetchers(logger, health),
      dedupStats: { shared: 0 },
      onRetired: (name) => retired.push(name),
    });
    const both = supergraphOf(['users', 'inventory'], probe.url);
    const usersOnly = supergraphOf(['users'], probe.url);
    // Apollo builds a data source once per subgraph and URL, and keeps it for good.
    const inventory = routing.buildService({ name: 'inventory', url: probe.url });
    routing.buildService({ name: 'users', url: probe.url });
    const fetchInventory = () =>
      subgraphCall.run({ deadline: undefined, idempotent: true }, () =>
        inventory.fetcher(probe.url, { method: 'POST', body: '{"query":"{ inventoryCount }"}' }),
      );

    expect(routing.served(both)).toEqual([]);
    expect([...health.names].sort()).toEqual(['inventory', 'users']);
    expect(routing.urls).toEqual({ users: probe.url, inventory: probe.url });

    routing.served(usersOnly);
    expect(health.names).toEqual(['users']);
    expect(routing.urls).toEqual({ users: probe.url });
    // A request begun on the previous supergraph still reaches it until its deadline has passed.
    expect((await fetchInventory()).status).toBe(200);
    expect(retired).toEqual([]);
    await expect.poll(() => retired, { timeout: 5_000, interval: 50 }).toEqual(['inventory']);

    // Back with the same URL: Apollo reuses the data source it built first, whose fetcher starts afresh.
    routing.served(both);
    expect([...health.names].sort()).toEqual(['inventory', 'users']);
    expect((await fetchInventory()).status).toBe(200);
    routing.shutdown();
  });

  it('names SUBGRAPH_<NAME>_* variables that match no subgraph of the loaded supergraph', () => {
    const env = loadEnv({ ...testSecrets(), SUBGRAPH_INVENTORI_TIMEOUT_MS: '500' });
    const health = createSubgraphHealth({ logger });
    const routing = createSubgraphRouting({
      env,
      logger,
      health,
      fetchers: createSubgraphFetchers(logger, health),
      dedupStats: { shared: 0 },
    });
    routing.buildService({ name: 'inventory', url: 'http://127.0.0.1:9/graphql' });

    expect(routing.served(supergraphOf(['inventory'], 'http://127.0.0.1:9/graphql'))).toEqual([
      'SUBGRAPH_INVENTORI_TIMEOUT_MS matches no subgraph of the supergraph (subgraphs: inventory → SUBGRAPH_INVENTORY_*)',
    ]);
    routing.shutdown();
  });
});
