import { DEMO_PRODUCTS, demoProduct } from '@supergraph/demo-data';
import { asc, eq } from 'drizzle-orm';
import type { CatalogDatabase } from '../src/db/client.ts';
import { outbox } from '../src/db/schema.ts';
import type { CreateProductInput } from './generated/operations.ts';

/** The seeded demo products in `products` order (oldest first), archived ones left out. */
export const ACTIVE_DEMO_PRODUCTS = DEMO_PRODUCTS.filter((product) => product.active);
export const ARCHIVED = demoProduct('FLOPPY-8IN');
export const COBOL = demoProduct('BOOK-COBOL');
export const KEYBOARD = demoProduct('KB-MECH');

/** A well-formed uuid that no product has. */
export const UNKNOWN_ID = '20000000-0000-4000-8000-0000000000ff';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let serial = 0;
/** A valid new product with a SKU no other test uses. */
export const newProduct = (overrides: Partial<CreateProductInput> = {}): CreateProductInput => ({
  sku: `TEST-${process.pid}-${(serial += 1)}`,
  name: 'Test product',
  description: 'For a test.',
  price: { amount: 1500, currency: 'EUR' },
  ...overrides,
});

/** The events in the outbox about one product, oldest first: type and payload. */
export async function outboxEventsOf({ db }: CatalogDatabase, productId: string) {
  const rows = await db
    .select()
    .from(outbox)
    .where(eq(outbox.aggregateId, productId))
    .orderBy(asc(outbox.seq));
  return rows.map((row) => {
    const event = row.event as { type: string; version: number; payload: unknown };
    return { type: event.type, version: event.version, payload: event.payload };
  });
}
