// How the gateway process sizes its JavaScript heap. Under load almost all of its peak memory is garbage V8
// has not collected yet (a forced full GC mid-load leaves 50–75 MB live), because V8's defaults trade memory
// for throughput: a young generation of up to 2 × 32 MB and an old generation allowed to grow to several
// times what survived the last full GC before the next one. Both are bounded here; docs/operations.md
// ("Gateway memory") has the measurements behind the values.
import { setFlagsFromString } from 'node:v8';

/**
 * What the gateway's process is started with: V8 fixes the young generation's size when the process starts,
 * so it can't be set from inside. `npm start`, docker-compose.yml, deploy/k8s/gateway.yaml and the benchmark
 * all pass exactly this (a deployment test checks); Node accepts it in NODE_OPTIONS.
 */
export const GATEWAY_NODE_OPTIONS = '--max-semi-space-size=16';

/**
 * Lets the old generation grow only `percent` % past what survived the last full GC before collecting again
 * (V8 otherwise picks a factor of up to 4× for a process with this much memory). Read by V8 at each GC, so
 * it applies from now on; 0 leaves V8's own heuristics.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/** Whether this process was started with the young-generation cap (GATEWAY_NODE_OPTIONS). */
export function youngGenerationCapped(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env['NODE_OPTIONS'] ?? '',
): boolean {
  return [...execArgv, ...nodeOptions.split(/\s+/)].some((flag) =>
    /^--max[-_]semi[-_]space[-_]size=/.test(flag),
  );
}
