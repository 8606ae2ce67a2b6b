import type { Counters } from './counters.ts';

/** A server of the benchmark, started in-process (tests) or inside a child process (the benchmark). */
export interface RunningServer {
  /** The GraphQL endpoint clients send requests to. */
  url: string;
  counters(): Counters;
  resetCounters(): void;
  stop(): Promise<void>;
}

export const NO_COUNTERS: Pick<RunningServer, 'counters' | 'resetCounters'> = {
  counters: () => ({ graphqlRequests: 0, sql: {} }),
  resetCounters: () => {},
};
