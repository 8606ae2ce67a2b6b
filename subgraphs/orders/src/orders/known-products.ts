import type { EventPayload } from '@supergraph/events';
import { inArray, sql } from 'drizzle-orm';
import type { OrdersDb } from '../db/client.ts';
import { knownProducts, type KnownProductRow } from '../db/schema.ts';

/** What every product event says about the product: its state after the change, and its version. */
export type ProductFacts = EventPayload<'product.created'>;

/**
 * Records what an event (or the demo seed) says about a product, unless a newer version is already known:
 * replayed and reordered events leave the row at the highest version seen. One statement, so two consumers
 * racing on one product cannot both win.
 */
export async function recordProductFacts(tx: OrdersDb, facts: ProductFacts, since: Date): Promise<void> {
  const row = {
    productId: facts.productId,
    sku: facts.sku,
    name: facts.name,
    unitPrice: facts.priceAmount,
    currency: facts.currency,
    active: facts.active,
    version: facts.version,
    since,
  };
  const { productId: _key, ...changes } = row;
  await tx
    .insert(knownProducts)
    .values(row)
    .onConflictDoUpdate({
      target: knownProducts.productId,
      set: changes,
      setWhere: sql`${knownProducts.version} < excluded.version`,
    });
}

/** The read model's products with these ids, in one statement; absent ids are simply not returned. */
export async function findKnownProducts(
  tx: OrdersDb,
  ids: readonly string[],
): Promise<Map<string, KnownProductRow>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .select()
    .from(knownProducts)
    .where(inArray(knownProducts.productId, [...new Set(ids)]));
  return new Map(rows.map((row) => [row.productId, row]));
}
