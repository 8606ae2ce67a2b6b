import type { ServiceEndpointDefinition } from '@apollo/gateway';
import type { Logger } from '@supergraph/service-kit/logger';
import type { RouterEnv } from './env.ts';
import { deduplicateInflight, type DedupStats } from './inflight-dedup.ts';
import { SignedSubgraphDataSource } from './signed-data-source.ts';
import type { SubgraphFetchers } from './subgraph-fetch.ts';
import type { SubgraphHealth } from './subgraph-health.ts';
import { overrideProblems, subgraphSettingsOf, type SubgraphSettings } from './subgraph-settings.ts';
import { buildServedSupergraph } from './authorization/supported-features.ts';

export interface SubgraphRoutingOptions {
  env: RouterEnv;
  logger: Logger;
  health: SubgraphHealth;
  fetchers: SubgraphFetchers;
  dedupStats: DedupStats;
  /** Also told when a subgraph leaves the supergraph for good (metrics drop its labels). */
  onRetired?: (name: string) => void;
}

export interface SubgraphRouting {
  /** ApolloGateway's `buildService`: called for each subgraph of a supergraph the gateway loads. */
  buildService(service: ServiceEndpointDefinition): SignedSubgraphDataSource;
  /**
   * Called with every supergraph the gateway loaded or switched to: its subgraphs join readiness; those it no
   * longer names leave readiness at once and lose their fetcher (breaker, timers, metrics labels) once requests
   * started before the switch are over.
   * Returns the problems with SUBGRAPH_<NAME>_* variables for this supergraph (see overrideProblems).
   */
  served(coreSupergraphSdl: string): string[];
  /** The subgraphs of the supergraph being served, by name, with the URL each is routed to. */
  readonly urls: Readonly<Record<string, string>>;
  /** The data source Apollo uses for each subgraph, by name: what a query plan executed outside Apollo needs. */
  serviceMap(): Readonly<Record<string, SignedSubgraphDataSource>>;
  /** Stops every fetcher, including those waiting to be retired. */
  shutdown(): void;
}

/**
 * Routes each subgraph the supergraph names to its URL (the supergraph's, unless SUBGRAPH_<NAME>_URL says
 * otherwise), with the fetcher, breaker and health entry made for it, and follows the subgraph list as the
 * supergraph is reloaded. Apollo calls `buildService` again only for a new subgraph or a changed URL.
 */
export function createSubgraphRouting({
  env,
  logger,
  health,
  fetchers,
  dedupStats,
  onRetired,
}: SubgraphRoutingOptions): SubgraphRouting {
  // Every subgraph a data source was built for, as last built: Apollo keeps a data source for good and reuses
  // it when a subgraph comes back with the same URL, so nothing here is forgotten either.
  const built = new Map<string, SubgraphSettings>();
  // Apollo builds a data source again only for a new subgraph or a changed URL: the last one built is in use.
  let sources: Record<string, SignedSubgraphDataSource> = {};
  const serving = new Set<string>();
  const retiring = new Map<string, NodeJS.Timeout>();
  // A request started on the previous supergraph may still fetch from a subgraph it named until its deadline.
  const retireAfterMs = env.REQUEST_TIMEOUT_MS + 1_000;

  const retire = (name: string) => {
    retiring.delete(name);
    fetchers.retire(name);
    onRetired?.(name);
    logger.info({ subgraph: name }, 'subgraph retired: it left the supergraph');
  };

  return {
    buildService(service) {
      const settings = subgraphSettingsOf(env, service);
      built.set(settings.name, settings);
      const fetcher = fetchers.fetcherFor(settings);
      const source = new SignedSubgraphDataSource({
        url: settings.url,
        fetcher: env.DEDUPLICATE_INFLIGHT ? deduplicateInflight(fetcher, settings.name, dedupStats) : fetcher,
      });
      sources = { ...sources, [settings.name]: source };
      return source;
    },
    served(coreSupergraphSdl) {
      // Already validated by the gateway, which built it a moment ago.
      const names = buildServedSupergraph(coreSupergraphSdl, { validateSupergraph: false })
        .subgraphsMetadata()
        .map(({ name }) => name);
      for (const name of names) {
        const settings = built.get(name);
        if (!settings) continue;
        clearTimeout(retiring.get(name));
        retiring.delete(name);
        serving.add(name);
        health.track(name, settings.url);
        fetchers.reportBreaker(name);
      }
      for (const name of serving) {
        if (names.includes(name)) continue;
        serving.delete(name);
        health.forget(name);
        const timer = setTimeout(() => retire(name), retireAfterMs);
        timer.unref();
        retiring.set(name, timer);
      }
      return overrideProblems(env, names);
    },
    get urls() {
      return Object.fromEntries([...serving].map((name) => [name, built.get(name)!.url]));
    },
    serviceMap: () => sources,
    shutdown() {
      for (const timer of retiring.values()) clearTimeout(timer);
      retiring.clear();
      fetchers.shutdown();
    },
  };
}
