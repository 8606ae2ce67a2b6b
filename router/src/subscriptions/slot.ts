import type { LiveSubscription, Transport } from './live.ts';
import type { ConnectionCount } from './registry.ts';

/**
 * What a subscribe carries through Apollo's request pipeline, on its context: the transport it came by (a
 * subscription over plain HTTP is refused), what it counts against, and — once the gateway's executor
 * accepted and planned it — the subscription for the transport to run.
 */
export interface SubscribeSlot {
  transport: Transport;
  connection: ConnectionCount;
  /** When the client's access token expires (ms since the epoch): the subgraph stream is signed until then. */
  credentialsExpireAt: number | undefined;
  live?: LiveSubscription;
}

// A symbol-keyed property survives Apollo's shallow copy of the context object (a WeakMap entry would not).
const SLOT = Symbol('supergraph.subscribeSlot');

export function withSlot<T extends object>(context: T, slot: SubscribeSlot): T {
  return Object.assign(context, { [SLOT]: slot });
}

export const slotOf = (context: unknown): SubscribeSlot | undefined =>
  context && typeof context === 'object' ? (context as { [SLOT]?: SubscribeSlot })[SLOT] : undefined;
