import { isDeepStrictEqual } from 'node:util';
import type { DatasetOrder, OrderStatus } from '../dataset.ts';
import type { Callers } from './callers.ts';
import type { WriteOutcome } from './operations.ts';
import {
  PLACED_ITEMS_SELECTION,
  placedOrderShape,
  type PlacedItem,
  type PlacedOrderSpec,
} from './place-order.ts';

/** An order as read back after the run (the fields `READ_BACK_QUERY` selects). */
export interface ReadBackOrder {
  id: string;
  status: OrderStatus;
  user: { id: string };
  total: { amount: number; currency: string };
  items: PlacedItem[];
}

/** What the orders subgraph is asked for every order after the run, as an admin, 100 at a time. */
export const READ_BACK_QUERY = `query($after:String){orders(first:100,after:$after){edges{node{id status user{id} total{amount currency} ${PLACED_ITEMS_SELECTION}}}pageInfo{hasNextPage endCursor}}}`;

interface PendingPlacement {
  owner: string;
  spec: PlacedOrderSpec;
}

/**
 * Every write of the run and what became of it: acknowledged placements and cancellations must be in the
 * database afterwards, and nothing else may have changed — except what the writes still in flight when a
 * measurement's clients stopped did (their answer never came, so either outcome is right).
 */
export class WriteLedger {
  readonly #seeded: ReadonlyMap<string, DatasetOrder>;
  readonly #cancellable: { id: string; userId: string }[];
  readonly #placed = new Map<string, { owner: string; spec: PlacedOrderSpec }>();
  readonly #cancelled = new Set<string>();
  readonly #inFlightPlacements = new Map<number, PendingPlacement>();
  readonly #inFlightCancels = new Map<number, string>();
  /** Writes whose answer never came or was wrong: either outcome is right for them. */
  readonly #unknownCancels = new Set<string>();
  readonly #unknownPlacements: PendingPlacement[] = [];
  #nextTicket = 1;

  constructor(callers: Callers, seeded: readonly DatasetOrder[]) {
    this.#seeded = new Map(seeded.map((order) => [order.id, order]));
    this.#cancellable = seeded
      .filter((order) => callers.isWriter(order.userId))
      .filter((order) => order.status === 'PENDING' || order.status === 'PAID')
      .map((order) => ({ id: order.id, userId: order.userId }));
  }

  /** A cancellable order of a writer, never handed out twice; undefined when none is left. */
  takeCancellable(): { id: string; userId: string } | undefined {
    return this.#cancellable.shift();
  }

  /** A write was sent: returns the ticket its answer (or the end of the run) settles. */
  sent(
    write: { kind: 'place'; owner: string; spec: PlacedOrderSpec } | { kind: 'cancel'; id: string },
  ): number {
    const ticket = this.#nextTicket++;
    if (write.kind === 'place')
      this.#inFlightPlacements.set(ticket, { owner: write.owner, spec: write.spec });
    else this.#inFlightCancels.set(ticket, write.id);
    return ticket;
  }

  /**
   * Its answer came: the outcome when it was right; undefined when it was wrong or never came (an error is
   * counted), which says nothing certain about what happened.
   */
  answered(ticket: number, outcome: WriteOutcome | undefined): void {
    const placement = this.#inFlightPlacements.get(ticket);
    const cancel = this.#inFlightCancels.get(ticket);
    this.#inFlightPlacements.delete(ticket);
    this.#inFlightCancels.delete(ticket);
    if (!outcome) {
      if (cancel) this.#unknownCancels.add(cancel);
      if (placement) this.#unknownPlacements.push(placement);
      return;
    }
    if (outcome.kind === 'placed') {
      this.#placed.set(outcome.orderId, { owner: outcome.owner, spec: outcome.spec });
      this.#cancellable.push({ id: outcome.orderId, userId: outcome.owner });
    } else this.#cancelled.add(outcome.orderId);
  }

  /** The clients stopped: whatever was still in flight may or may not have happened. */
  abandonInFlight(): void {
    for (const id of this.#inFlightCancels.values()) this.#unknownCancels.add(id);
    this.#unknownPlacements.push(...this.#inFlightPlacements.values());
    this.#inFlightCancels.clear();
    this.#inFlightPlacements.clear();
  }

  get counts() {
    return {
      placed: this.#placed.size,
      cancelled: this.#cancelled.size,
      unknown: this.#unknownCancels.size + this.#unknownPlacements.length,
    };
  }

  /** Compares every order read back with what the writes that were answered say it must be. */
  verify(readBack: readonly ReadBackOrder[]): string[] {
    const problems: string[] = [];
    const seen = new Set<string>();
    const unmatched = [...this.#unknownPlacements];
    const shapeOf = (order: ReadBackOrder) => ({ total: order.total, items: order.items });
    for (const order of readBack) {
      seen.add(order.id);
      const seeded = this.#seeded.get(order.id);
      const placed = this.#placed.get(order.id);
      if (seeded) {
        const expected = this.#cancelled.has(order.id) ? 'CANCELLED' : seeded.status;
        const maybe = this.#unknownCancels.has(order.id) && order.status === 'CANCELLED';
        if (order.status !== expected && !maybe)
          problems.push(`seeded order ${order.id} is ${order.status}, expected ${expected}`);
        if (order.user.id !== seeded.userId) problems.push(`seeded order ${order.id} changed owner`);
      } else if (placed) {
        const expected = this.#cancelled.has(order.id) ? 'CANCELLED' : 'PENDING';
        const maybe = this.#unknownCancels.has(order.id) && order.status === 'CANCELLED';
        if (order.status !== expected && !maybe)
          problems.push(`placed order ${order.id} is ${order.status}, expected ${expected}`);
        if (order.user.id !== placed.owner)
          problems.push(`placed order ${order.id} belongs to ${order.user.id}`);
        if (!isDeepStrictEqual(shapeOf(order), placedOrderShape(placed.spec)))
          problems.push(`placed order ${order.id} does not hold what was placed`);
      } else {
        // Only a placement whose answer never came may explain an order nobody acknowledged.
        const index = unmatched.findIndex(
          (pending) =>
            pending.owner === order.user.id &&
            isDeepStrictEqual(shapeOf(order), placedOrderShape(pending.spec)) &&
            order.status === 'PENDING',
        );
        if (index < 0) problems.push(`order ${order.id} was never placed by the run`);
        else unmatched.splice(index, 1);
      }
    }
    for (const id of this.#seeded.keys()) if (!seen.has(id)) problems.push(`seeded order ${id} is gone`);
    for (const id of this.#placed.keys()) if (!seen.has(id)) problems.push(`placed order ${id} is missing`);
    return problems;
  }
}
