import type { Counters } from '../configs/counters.ts';
import type { OutboundAttempt } from './loopback-guard.ts';

/** What a server process reports about itself when asked. */
export interface ProcessStats {
  pid: number;
  /** process.cpuUsage(), microseconds since the process started. */
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
  /** Peak resident set size of the process so far (getrusage ru_maxrss). */
  maxRssBytes: number;
  /** HTTP requests this process received since it started (any path). */
  httpRequests: number;
  counters: Counters;
  outbound: OutboundAttempt[];
}

export type ParentMessage =
  | { id: number; type: 'stats' | 'reset' | 'stop' }
  /** A fresh internal token for a bare gateway (the parent holds the secret and re-signs it every 20 s). */
  | { type: 'token'; token: string };

export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'failed'; error: string }
  | { type: 'reply'; id: number; stats?: ProcessStats; error?: string };
