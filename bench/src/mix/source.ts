import type { Callers } from './callers.ts';
import { MIX_OPERATIONS, mixOperation, type MixOpId, type MixRequest, type MixState } from './operations.ts';
import { mixCycle, seededRandom } from './schedule.ts';
import type { WriteLedger } from './writes.ts';

/** Hands each connection its next request of the mix. */
export interface MixSource {
  next(connection: number): MixRequest;
  /** A request of one operation (for the lone, counted requests); undefined when it has nothing to do. */
  draw(op: MixOpId): MixRequest | undefined;
}

/**
 * The traffic of one run: connection c walks the mix's cycle from offset c × 7, each pool of callers is
 * cycled through by all connections together, and variables come from one seeded random source. Placements
 * are numbered across the whole run (so no two place the same skus).
 */
export function createMixSource(callers: Callers, ledger: WriteLedger, seed = 23): MixSource {
  const cycle = mixCycle(MIX_OPERATIONS, seed);
  const positions: number[] = [];
  const poolIndex = { admins: 0, readers: 0, writers: 0, customers: 0 };
  let placements = 0;
  const state: MixState = {
    callers,
    random: seededRandom(seed * 7919),
    nextOf(pool) {
      const list = callers[pool];
      return list[poolIndex[pool]++ % list.length]!;
    },
    takeCancellable: () => ledger.takeCancellable(),
    nextPlacementSeq: () => ++placements,
  };
  return {
    next(connection) {
      for (;;) {
        const position = positions[connection] ?? connection * 7;
        positions[connection] = position + 1;
        // cancelOrder has nothing to do when no cancellable order is left: the next entry goes instead.
        const request = mixOperation(cycle[position % cycle.length]!).next(state);
        if (request) return request;
      }
    },
    draw: (op) => mixOperation(op).next(state),
  };
}
