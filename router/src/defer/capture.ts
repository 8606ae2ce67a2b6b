import type { ComputeResponse } from '../result-shaping/lean-compute-response.ts';
import { apolloComputeResponse, type ApolloResultShaping } from '../result-shaping/install.ts';

/**
 * Apollo's `executeQueryPlan` fills a private tree with the subgraphs' merged data and hands it to
 * `computeResponse` (through its module's exports object, the seam result-shaping/install.ts uses too). A
 * deferred block needs that tree itself: its payload is shaped from it at its own paths, and the blocks nested
 * in it run on top of it. So for the executions the defer executor starts, whose `variables` object it
 * registers here, the tree is kept and Apollo's whole-operation shaping is skipped; every other request goes
 * to whichever shaping is installed.
 */
export interface CapturedData {
  input: Record<string, unknown> | null | undefined;
}

const CAPTURING = Symbol.for('supergraph.router.deferCapture');
type MaybeCapturing = ComputeResponse & { [CAPTURING]?: true };

const slots = new WeakMap<object, CapturedData>();

/** Registers an execution by its (fresh) variables object; its data tree lands in the returned slot. */
export function captureFor(variables: object): CapturedData {
  const slot: CapturedData = { input: undefined };
  slots.set(variables, slot);
  return slot;
}

/**
 * Wraps the installed shaping function, unless it already is: installResultShaping may replace it at any time
 * (tests install both kinds), so the executor calls this before each deferred execution.
 */
export function ensureCapturing(apollo: ApolloResultShaping): void {
  const installed = apollo.module.computeResponse as MaybeCapturing;
  if (installed[CAPTURING]) return;
  // Recorded before wrapping, so installResultShaping('apollo') later still finds Apollo's own function.
  apolloComputeResponse(apollo);
  const wrapper: MaybeCapturing = (args) => {
    const slot = args.variables ? slots.get(args.variables) : undefined;
    if (!slot) return installed(args);
    slot.input = args.input;
    return { data: null, errors: [] };
  };
  wrapper[CAPTURING] = true;
  apollo.module.computeResponse = wrapper;
}
