import { enqueueEvents } from '@supergraph/events';
import { afterTimeKey } from '@supergraph/service-kit/db';
import type { TimeKey } from '@supergraph/service-kit/graphql';
import { and, asc, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import type { CatalogDb } from '../db/client.ts';
import { outbox, products, type ProductRow } from '../db/schema.ts';
import { productEvent } from './events.ts';
import type { NewProduct, ProductChanges } from './validation.ts';

/** The products with these ids, archived ones included, in one statement (the by-id DataLoader's batch). */
export function findProductsByIds(db: CatalogDb, ids: readonly string[]): Promise<ProductRow[]> {
  return db
    .select()
    .from(products)
    .where(inArray(products.id, [...ids]));
}

/** `%` and `_` in what a client searches for are literal characters, not wildcards. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/**
 * One page of active products, oldest first (keyset on created_at, id: stable while products are added);
 * `search` matches a part of the name or the SKU, whatever the case.
 */
export function listProducts(
  db: CatalogDb,
  filter: { search: string | null; after: TimeKey | null; limit: number },
): Promise<ProductRow[]> {
  const pattern = filter.search ? likePattern(filter.search) : null;
  return db
    .select()
    .from(products)
    .where(
      and(
        eq(products.active, true),
        pattern ? or(ilike(products.name, pattern), ilike(products.sku, pattern)) : undefined,
        afterTimeKey(products, filter.after, 'asc'),
      ),
    )
    .orderBy(asc(products.createdAt), asc(products.id))
    .limit(filter.limit);
}

export type CreateOutcome = { kind: 'created'; product: ProductRow } | { kind: 'sku-taken' };

/** A new product (version 1) and its product.created event, in one transaction. */
export function insertProduct(db: CatalogDb, product: NewProduct): Promise<CreateOutcome> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(products)
      .values({
        sku: product.sku,
        name: product.name,
        description: product.description,
        priceAmount: product.price.amount,
        currency: product.price.currency,
      })
      .onConflictDoNothing({ target: products.sku })
      .returning();
    if (!row) return { kind: 'sku-taken' };
    await enqueueEvents(tx, outbox, [productEvent('product.created', row)]);
    return { kind: 'created', product: row };
  });
}

export type ChangeOutcome =
  | { kind: 'changed'; product: ProductRow }
  | { kind: 'not-found' }
  | { kind: 'archived'; product: ProductRow };

/** The product as `changes` would leave it, or null when they change nothing. */
function applyChanges(current: ProductRow, changes: ProductChanges) {
  const next = {
    name: changes.name ?? current.name,
    description: changes.description === undefined ? current.description : changes.description,
    priceAmount: changes.price?.amount ?? current.priceAmount,
    currency: changes.price?.currency ?? current.currency,
  };
  const same = (Object.keys(next) as (keyof typeof next)[]).every((key) => next[key] === current[key]);
  return same ? null : next;
}

/**
 * Changes a product under a row lock, with a new version and its product.updated event. Changes that change
 * nothing write nothing (no new version, no event), so a retried update is harmless. An archived product is
 * final and is not changed.
 */
export function updateProduct(db: CatalogDb, id: string, changes: ProductChanges): Promise<ChangeOutcome> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(products).where(eq(products.id, id)).for('update');
    if (!current) return { kind: 'not-found' };
    if (!current.active) return { kind: 'archived', product: current };
    const next = applyChanges(current, changes);
    if (!next) return { kind: 'changed', product: current };
    const [row] = await tx
      .update(products)
      .set({ ...next, version: sql`${products.version} + 1`, updatedAt: sql`now()` })
      .where(eq(products.id, id))
      .returning();
    await enqueueEvents(tx, outbox, [productEvent('product.updated', row!)]);
    return { kind: 'changed', product: row! };
  });
}

/**
 * Archives a product under a row lock, with a new version and its product.archived event. Archiving an
 * archived product changes nothing and answers it as it is, so a retry is harmless.
 */
export function archiveProduct(db: CatalogDb, id: string): Promise<ChangeOutcome> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(products).where(eq(products.id, id)).for('update');
    if (!current) return { kind: 'not-found' };
    if (!current.active) return { kind: 'changed', product: current };
    const [row] = await tx
      .update(products)
      .set({ active: false, version: sql`${products.version} + 1`, updatedAt: sql`now()` })
      .where(eq(products.id, id))
      .returning();
    await enqueueEvents(tx, outbox, [productEvent('product.archived', row!)]);
    return { kind: 'changed', product: row! };
  });
}
