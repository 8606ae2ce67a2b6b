import { INTERNAL_TOKEN_HEADER, signInternalToken } from '@supergraph/service-kit/auth';
import { bearerHeaders, type BenchSecrets } from './auth.ts';
import { SUBGRAPHS, type Configuration, type ServerId } from './configurations.ts';
import type { Dataset } from './dataset.ts';
import type { ProcessStats } from './process/messages.ts';

/** What the measuring code needs from a running server, wherever it runs (child process or, in tests, here). */
export interface ServerHandle {
  name: string;
  url: string;
  stats(): Promise<ProcessStats>;
  resetCounters(): Promise<void>;
}

/** The servers of a run and how a client talks to each configuration. */
export interface Harness {
  dataset: Dataset;
  server(id: ServerId): ServerHandle;
  /** Headers a client of `config` sends: valid for at least the next 60 seconds. */
  headers(config: Configuration): Promise<Record<string, string>>;
}

export function createHarness(
  dataset: Dataset,
  secrets: BenchSecrets,
  servers: ReadonlyMap<ServerId, ServerHandle>,
): Harness {
  const identity = { userId: dataset.admin.id, role: dataset.admin.role };
  const bearer = bearerHeaders(secrets, identity);
  return {
    dataset,
    server(id) {
      const handle = servers.get(id);
      if (!handle) throw new Error(`server ${id} is not running in this run`);
      return handle;
    },
    async headers(config) {
      switch (config.auth) {
        case 'bearer':
          return bearer;
        case 'internal-token':
          // Straight to a subgraph: the client signs what the gateway would (the token lives 60 s).
          return { [INTERNAL_TOKEN_HEADER]: await signInternalToken(identity, secrets.INTERNAL_SECRET) };
        case 'none':
          return {};
      }
    },
  };
}

/** The subgraph processes a configuration's requests reach, other than the one clients talk to. */
export function backendsOf(config: Configuration): ServerId[] {
  if (!config.usesSubgraphs) return [];
  return SUBGRAPHS.filter((id) => id !== config.server);
}
