// How the gateway process sizes its JavaScript heap. Under load almost all of its peak memory is garbage V8 has
// not collected yet (a forced full GC mid-load leaves 50–85 MB live), because on a host without a memory limit
// V8's defaults trade memory for throughput: 32 MB semi-spaces for the young generation, and an old generation
// allowed to grow to several times what survived the last full GC before the next one. Both are bounded here;
// docs/operations.md ("Gateway memory") has the measurements behind the values.
import { setFlagsFromString } from 'node:v8';
import type { Logger } from '@supergraph/service-kit/logger';

/**
 * What the gateway's process is started with where nothing else bounds its memory (`npm start`,
 * docker-compose.yml and the benchmark; a deployment test checks they agree). V8 fixes the young generation's
 * size when the process starts, so it can't be set from inside; Node accepts it in NODE_OPTIONS. Inside a
 * container with a memory limit of 2 GiB or less, Node already picks a semi-space under 16 MB from the limit,
 * and this flag would only raise it: deploy/k8s sets no NODE_OPTIONS.
 */
export const GATEWAY_NODE_OPTIONS = '--max-semi-space-size=16';

/** Up to this container memory limit Node's own semi-space is already below GATEWAY_NODE_OPTIONS's. */
const NODE_SIZES_YOUNG_GENERATION_BELOW = 2 * 1024 ** 3;

/**
 * Lets the old generation grow only `percent` % past what survived the last full GC before collecting again
 * (V8 otherwise picks a factor of up to 4× for a process with this much memory). V8 reads it at each GC, so it
 * applies from now on; 0 leaves V8's own heuristics.
 */
function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/** Whether this process was started with a young-generation cap (GATEWAY_NODE_OPTIONS or one of its own). */
export function youngGenerationCapped(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env['NODE_OPTIONS'] ?? '',
): boolean {
  return [...execArgv, ...nodeOptions.split(/\s+/)].some((flag) =>
    /^--max[-_]semi[-_]space[-_]size=/.test(flag),
  );
}

/**
 * Whether the process should have been started with GATEWAY_NODE_OPTIONS: it has no cap of its own and no
 * container memory limit small enough for Node to size the young generation from (`constrainedMemory` is
 * 2^64 or 0 when there is none).
 */
export function youngGenerationCapMissing(
  constrainedMemory = process.constrainedMemory(),
  capped = youngGenerationCapped(),
): boolean {
  const limited = constrainedMemory > 0 && constrainedMemory <= NODE_SIZES_YOUNG_GENERATION_BELOW;
  return !capped && !limited;
}

/**
 * What the gateway's process does about its heap at start (src/index.ts, and the benchmark's gateway, which
 * starts the same way): limit the old generation's growth, and say so when the young generation is unbounded.
 */
export function configureGatewayHeap(growingPercent: number, logger: Logger): void {
  limitHeapGrowth(growingPercent);
  if (youngGenerationCapMissing()) {
    logger.warn(
      { expected: GATEWAY_NODE_OPTIONS },
      'started without a young-generation cap or a container memory limit: peak memory under load will be higher (set NODE_OPTIONS)',
    );
  }
}
