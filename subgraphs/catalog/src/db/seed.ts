import { DEMO_PRODUCTS } from '@supergraph/demo-data';
import type { CatalogDb } from './client.ts';
import { products } from './schema.ts';

/**
 * Inserts the demo catalogue (@supergraph/demo-data) once; running it again changes nothing. No events: the
 * orders seed writes the same facts into its read model, so the demo works without a broker.
 */
export async function seedDemoCatalog(db: CatalogDb): Promise<number> {
  const inserted = await db
    .insert(products)
    .values(
      DEMO_PRODUCTS.map((product, index) => ({
        id: product.id,
        sku: product.sku,
        name: product.name,
        description: product.description,
        priceAmount: product.price,
        currency: product.currency,
        active: product.active,
        version: product.version,
        createdAt: new Date(Date.UTC(2026, 0, 1, 9, index)),
        updatedAt: new Date(Date.UTC(2026, 0, 1, 9, index)),
      })),
    )
    .onConflictDoNothing()
    .returning({ id: products.id });
  return inserted.length;
}
