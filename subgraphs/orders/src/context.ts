import type { Identity } from '@supergraph/service-kit/auth';
import type { Logger } from '@supergraph/service-kit/logger';
import type { BatchObserver } from '@supergraph/service-kit/metrics';
import type { OrdersDb } from './db/client.ts';
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
  loaders: {
    order: ReturnType<typeof createOrderLoader>;
    items: ReturnType<typeof createItemsLoader>;
    userOrders: ReturnType<typeof createUserOrdersLoader>;
    productOrderCount: ReturnType<typeof createProductOrderCountLoader>;
  };
}

/** `batches` (the service's metrics) is told the size of every DataLoader batch. */
export function createContext(base: Omit<OrdersContext, 'loaders'>, batches?: BatchObserver): OrdersContext {
  return {
    ...base,
    loaders: {
      order: createOrderLoader(base.db, batches),
      items: createItemsLoader(base.db, batches),
      userOrders: createUserOrdersLoader(base.db, batches),
      productOrderCount: createProductOrderCountLoader(base.db, batches),
    },
  };
}
