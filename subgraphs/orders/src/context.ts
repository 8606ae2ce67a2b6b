import type { Identity } from '@supergraph/service-kit/auth';
import type { Logger } from '@supergraph/service-kit/logger';
import type { BatchObserver } from '@supergraph/service-kit/metrics';
import type { OrdersDb } from './db/client.ts';
import type { OrderUpdates } from './live/order-updates.ts';
import { createItemsLoader, createOrderLoader, createUserOrdersLoader } from './graphql/order/loaders.ts';
import { createProductOrderCountLoader } from './graphql/product/loaders.ts';

/** What every resolver gets: who is calling, per-request loaders and the database. */
export interface OrdersContext {
  identity: Identity;
  requestId: string;
  logger: Logger;
  db: OrdersDb;
  /** The client's Idempotency-Key, forwarded by the gateway (see runIdempotent). */
  idempotencyKey: string | readonly string[] | undefined;
  /** This process's live order updates, for subscriptions. */
  live: OrderUpdates;
  loaders: {
    order: ReturnType<typeof createOrderLoader>;
    items: ReturnType<typeof createItemsLoader>;
    userOrders: ReturnType<typeof createUserOrdersLoader>;
    productOrderCount: ReturnType<typeof createProductOrderCountLoader>;
  };
}

/** `batches` (the service's metrics) is told the size of every DataLoader batch. */
export function createContext(base: Omit<OrdersContext, 'loaders'>, batches?: BatchObserver): OrdersContext {
  return { ...base, loaders: createLoaders(base.db, batches) };
}

/** One request's (or one live event's) loaders: nothing cached outlives it. */
export function createLoaders(db: OrdersDb, batches?: BatchObserver): OrdersContext['loaders'] {
  return {
    order: createOrderLoader(db, batches),
    items: createItemsLoader(db, batches),
    userOrders: createUserOrdersLoader(db, batches),
    productOrderCount: createProductOrderCountLoader(db, batches),
  };
}
