import { createEvent, type Event } from '@supergraph/events';
import type { ProductRow } from '../db/schema.ts';

type ProductEventType = 'product.created' | 'product.updated' | 'product.archived';

/** A product event carrying the product's whole state after the change, stamped with the time of that change. */
export const productEvent = (type: ProductEventType, row: ProductRow): Event<ProductEventType> =>
  createEvent(
    type,
    row.id,
    {
      productId: row.id,
      sku: row.sku,
      name: row.name,
      priceAmount: row.priceAmount,
      currency: row.currency,
      active: row.active,
      version: row.version,
    },
    { occurredAt: row.updatedAt },
  );
