import type { AnyEvent } from '@supergraph/events';
import { GraphQLError } from 'graphql';
import type { Logger } from '@supergraph/service-kit/logger';
import type { OrdersContext } from '../context.ts';
import type { OrderRow } from '../db/schema.ts';

/** What an event says changed: an order placed, or its status moved. */
export interface OrderChange {
  kind: 'placed' | 'statusChanged';
  orderId: string;
  userId: string;
  /** When the change was written: the event's `occurredAt` (ISO-8601), taken in its transaction just before the commit. */
  occurredAt: string;
}

/** Which changes one subscription wants. */
export type Audience =
  /** `orderUpdated(id)`: status changes of one order. */
  | { orderId: string }
  /** `myOrderUpdates` of a customer: their orders, placed or changed. */
  | { userId: string }
  /** `myOrderUpdates` of an admin: every order, placed or changed. */
  | { everyOrder: true };

/**
 * One delivery: the order as the database holds it after the change, and the loaders it was read with. Every
 * subscriber of the same change shares both, so an event costs the same queries whatever the number of
 * subscribers (the loaders are the event's, so nothing stale is kept between events).
 */
export interface OrderUpdate {
  order: OrderRow;
  loaders: OrdersContext['loaders'];
  /** When the change was written (its event's `occurredAt`, ISO-8601). */
  occurredAt: string;
}

/** The changes a catalogued event stands for (order.cancelled always comes with its order.statusChanged). */
export function changeOf(event: AnyEvent): OrderChange | null {
  switch (event.type) {
    case 'order.placed':
      return {
        kind: 'placed',
        orderId: event.payload.orderId,
        userId: event.payload.userId,
        occurredAt: event.occurredAt,
      };
    case 'order.statusChanged':
      return {
        kind: 'statusChanged',
        orderId: event.payload.orderId,
        userId: event.payload.userId,
        occurredAt: event.occurredAt,
      };
    default:
      return null;
  }
}

interface Subscriber {
  audience: Audience;
  push(update: OrderUpdate): void;
  /** Ends the subscription with SUBSCRIPTION_INTERRUPTED (retryable: subscribe again and refetch). */
  interrupt(why: string): void;
}

/**
 * The error a subscription ends with when updates were dropped: graphql-ws sends it as the operation's `error`
 * message, which the gateway passes on, so the client re-subscribes and refetches instead of seeing a quiet end.
 */
const interrupted = (why: string) =>
  new GraphQLError(`The live updates were interrupted (${why}): subscribe again and refetch.`, {
    extensions: { code: 'SUBSCRIPTION_INTERRUPTED' },
  });

export interface OrderUpdatesOptions {
  /** Fresh loaders for one change (the service's createContext loaders). */
  createLoaders(): OrdersContext['loaders'];
  logger: Logger;
  /** Updates one subscriber may have waiting (a slow connection); beyond it the subscription ends. */
  maxBuffered?: number;
  /**
   * Changes waiting to be loaded and handed out (a burst, a slow database); beyond it every subscription is
   * interrupted and the waiting changes are dropped, rather than holding them all in memory.
   */
  maxPending?: number;
  /** Resolves once changes committed from now on will arrive (the feed follows them); see OrderFeed. */
  following?(): Promise<void>;
}

/**
 * The in-process fan-out of order changes to this process's subscriptions. Changes are handled one at a time,
 * in the order they arrived, so one subscriber sees one order's updates in commit order (each carrying the
 * order as read when its change is handled).
 */
export function createOrderUpdates({
  createLoaders,
  logger,
  maxBuffered = 1_000,
  maxPending = 10_000,
  following = () => Promise.resolve(),
}: OrderUpdatesOptions) {
  const byOrder = new Map<string, Set<Subscriber>>();
  const byUser = new Map<string, Set<Subscriber>>();
  const everyOrder = new Set<Subscriber>();
  let queue: Promise<void> = Promise.resolve();
  let pending = 0;

  const add = <K>(index: Map<K, Set<Subscriber>>, key: K, subscriber: Subscriber) =>
    index.set(key, (index.get(key) ?? new Set()).add(subscriber));
  const remove = <K>(index: Map<K, Set<Subscriber>>, key: K, subscriber: Subscriber) => {
    const set = index.get(key);
    set?.delete(subscriber);
    if (set?.size === 0) index.delete(key);
  };

  function audienceOf(change: OrderChange): Subscriber[] {
    const matching = [...(byUser.get(change.userId) ?? []), ...everyOrder];
    if (change.kind === 'statusChanged') matching.push(...(byOrder.get(change.orderId) ?? []));
    return matching;
  }

  async function deliver(change: OrderChange): Promise<void> {
    if (audienceOf(change).length === 0) return;
    const loaders = createLoaders();
    const order = await loaders.order.load(change.orderId);
    if (!order) return;
    // Who is listening now (someone may have left while the order loaded); matched on the stored owner.
    for (const subscriber of audienceOf({ ...change, userId: order.userId }))
      subscriber.push({ order, loaders, occurredAt: change.occurredAt });
  }

  return {
    /** Hands a change to every matching subscription. Never throws: a failed load skips this change. */
    publish(change: OrderChange): Promise<void> {
      if (pending >= maxPending) {
        logger.warn({ maxPending }, 'live order updates fell behind; interrupting every subscription');
        const everyone = [everyOrder, ...byUser.values(), ...byOrder.values()].flatMap((set) => [...set]);
        for (const subscriber of everyone) subscriber.interrupt('the service fell behind its updates');
        return queue;
      }
      pending += 1;
      queue = queue
        .then(() => deliver(change))
        .catch((error: unknown) =>
          logger.warn({ err: String(error), orderId: change.orderId }, 'live order update skipped'),
        )
        .finally(() => {
          pending -= 1;
        });
      return queue;
    },

    /**
     * The updates for `audience`, until the returned iterator's `return()` (or a backlog over maxBuffered).
     * Resolves once every change committed from then on will reach it.
     */
    async subscribe(audience: Audience): Promise<AsyncIterableIterator<OrderUpdate>> {
      const buffered: OrderUpdate[] = [];
      let waiting: {
        resolve(result: IteratorResult<OrderUpdate>): void;
        reject(error: GraphQLError): void;
      } | null = null;
      let ended = false;
      // Set when the subscription was interrupted: the next read fails with it, once.
      let failure: GraphQLError | undefined;

      const subscriber: Subscriber = {
        audience,
        push(update) {
          if (ended) return;
          if (waiting) {
            const { resolve } = waiting;
            waiting = null;
            resolve({ done: false, value: update });
          } else if (buffered.length >= maxBuffered) {
            logger.warn({ audience, maxBuffered }, 'live order updates backed up; ending the subscription');
            subscriber.interrupt('its client reads slower than updates come');
          } else buffered.push(update);
        },
        interrupt(why) {
          if (ended) return;
          const error = interrupted(why);
          const read = waiting;
          waiting = null;
          end();
          if (read) read.reject(error);
          else failure = error;
        },
      };
      function end(): void {
        if (ended) return;
        ended = true;
        if ('orderId' in audience) remove(byOrder, audience.orderId, subscriber);
        else if ('userId' in audience) remove(byUser, audience.userId, subscriber);
        else everyOrder.delete(subscriber);
        buffered.length = 0;
        waiting?.resolve({ done: true, value: undefined });
        waiting = null;
      }
      if ('orderId' in audience) add(byOrder, audience.orderId, subscriber);
      else if ('userId' in audience) add(byUser, audience.userId, subscriber);
      else everyOrder.add(subscriber);

      try {
        await following();
      } catch (error) {
        // Not following the feed: unregister, or this subscriber would keep the feed polling for nobody.
        end();
        throw error;
      }
      const iterator: AsyncIterableIterator<OrderUpdate> = {
        next() {
          const update = buffered.shift();
          if (update) return Promise.resolve({ done: false, value: update });
          if (failure) {
            const error = failure;
            failure = undefined;
            return Promise.reject(error);
          }
          if (ended) return Promise.resolve({ done: true, value: undefined });
          return new Promise((resolve, reject) => (waiting = { resolve, reject }));
        },
        return() {
          end();
          return Promise.resolve({ done: true, value: undefined });
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
    /** Subscriptions currently listening. */
    get size() {
      let count = everyOrder.size;
      for (const set of byOrder.values()) count += set.size;
      for (const set of byUser.values()) count += set.size;
      return count;
    },
  };
}

export type OrderUpdates = ReturnType<typeof createOrderUpdates>;
