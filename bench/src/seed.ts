import type { CatalogDb } from '@supergraph/catalog/db';
import { products } from '@supergraph/catalog/db-schema';
import type { OrdersDb } from '@supergraph/orders/db';
import { knownProducts, orderItems, orders } from '@supergraph/orders/db-schema';
import type { UsersDb } from '@supergraph/users/db';
import { users } from '@supergraph/users/db-schema';
import type { Dataset } from './dataset.ts';

const CHUNK = 500;

const chunks = <T>(rows: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(rows.length / CHUNK) }, (_, index) =>
    rows.slice(index * CHUNK, (index + 1) * CHUNK),
  );

/** Writes the dataset's users straight through the users service's Drizzle handle (no GraphQL, no hashing). */
export async function seedUsers(db: UsersDb, dataset: Dataset): Promise<void> {
  for (const rows of chunks(dataset.users)) await db.insert(users).values(rows);
}

/** Writes the dataset's products straight through the catalog service's Drizzle handle (no events). */
export async function seedCatalog(db: CatalogDb, dataset: Dataset): Promise<void> {
  for (const rows of chunks(dataset.products))
    await db.insert(products).values(rows.map((product) => ({ ...product, updatedAt: product.createdAt })));
}

/**
 * Writes the dataset's products into orders' read model (`known_products`, at the catalog's version, as
 * catalog's events would have), then its orders and their items, straight through orders' Drizzle handle.
 */
export async function seedOrders(db: OrdersDb, dataset: Dataset): Promise<void> {
  for (const rows of chunks(dataset.products)) {
    await db.insert(knownProducts).values(
      rows.map((product) => ({
        productId: product.id,
        sku: product.sku,
        name: product.name,
        unitPrice: product.priceAmount,
        currency: product.currency,
        active: product.active,
        version: product.version,
        since: product.createdAt,
      })),
    );
  }
  for (const rows of chunks(dataset.orders)) {
    await db.insert(orders).values(rows.map(({ items: _items, ...order }) => order));
  }
  const items = dataset.orders.flatMap((order) =>
    order.items.map((item) => ({ ...item, orderId: order.id })),
  );
  for (const rows of chunks(items)) await db.insert(orderItems).values(rows);
}
