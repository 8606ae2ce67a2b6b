import { isUuid, normalizeId } from '@supergraph/service-kit/graphql';
import { instrumentedBatch, type BatchObserver } from '@supergraph/service-kit/metrics';
import DataLoader from 'dataloader';
import type { OrdersDb } from '../../db/client.ts';
import { countOrdersOfProducts } from '../../orders/product-order-counts.ts';

/** Product.orderCount of every product a request resolves, in one statement. */
export function createProductOrderCountLoader(db: OrdersDb, batches?: BatchObserver) {
  const load = async (productIds: readonly string[]) => {
    const valid = productIds.filter(isUuid).map(normalizeId);
    const counts = valid.length ? await countOrdersOfProducts(db, valid) : new Map<string, number>();
    return productIds.map((id) => counts.get(normalizeId(id)) ?? 0);
  };
  return new DataLoader<string, number>(instrumentedBatch('productOrderCount', load, batches));
}
