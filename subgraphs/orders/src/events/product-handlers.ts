import type { EventHandlers } from '@supergraph/events';
import type { OrdersSchema } from '../db/client.ts';
import { recordProductFacts } from '../orders/known-products.ts';

/**
 * How orders learns the catalog's products: every product event carries the product's whole state and version,
 * so all three record it the same way, and an older version arriving late changes nothing.
 */
export const productEventHandlers: EventHandlers<OrdersSchema> = {
  'product.created': (event, tx) => recordProductFacts(tx, event.payload, new Date(event.occurredAt)),
  'product.updated': (event, tx) => recordProductFacts(tx, event.payload, new Date(event.occurredAt)),
  'product.archived': (event, tx) => recordProductFacts(tx, event.payload, new Date(event.occurredAt)),
};
