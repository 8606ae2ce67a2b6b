import type { MixOperation, MixOpId } from './operations.ts';

/** A deterministic pseudo-random source (mulberry32): the same seed sends the same traffic. */
export function seededRandom(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
  };
}

/**
 * One cycle of the mix: every operation as many times as its weight (in a cycle of 100 requests), shuffled
 * with a fixed seed. Every connection walks the cycle from its own offset, so at any moment the connections
 * send a spread of operations and over any 100 consecutive requests of one connection the weights hold exactly.
 */
export function mixCycle(operations: readonly MixOperation[], seed = 23): MixOpId[] {
  const total = operations.reduce((sum, op) => sum + op.weight, 0);
  if (total !== 100) throw new Error(`the mix's weights add up to ${total}, not 100`);
  const cycle = operations.flatMap((op) => Array.from({ length: op.weight }, () => op.id));
  const random = seededRandom(seed);
  for (let i = cycle.length - 1; i > 0; i -= 1) {
    const j = random(i + 1);
    [cycle[i], cycle[j]] = [cycle[j]!, cycle[i]!];
  }
  return cycle;
}
