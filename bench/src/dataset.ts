/**
 * The benchmark's data, built deterministically so that every process that seeds a database (a subgraph, the
 * monolith's own PGlite copy) writes exactly the same rows, and the expected answers can be computed from it
 * without asking any server.
 */

export type Role = 'ADMIN' | 'CUSTOMER';
export type OrderStatus = 'PENDING' | 'PAID' | 'SHIPPED' | 'CANCELLED';

export interface DatasetUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
}

/** A product of the catalog; orders' read model (`known_products`) holds the same facts at the same version. */
export interface DatasetProduct {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  /** Price of one unit in minor units of `currency`. */
  priceAmount: number;
  currency: string;
  /** False once archived: no longer listed by `products`, but still on the lines of older orders. */
  active: boolean;
  /** 1 when created; archived products are at 2 (created, then archived). */
  version: number;
  createdAt: Date;
}

/** One line of an order: a product as it was when the order was placed (the seed never changes a price). */
export interface DatasetItem {
  position: number;
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPrice: number;
}

export interface DatasetOrder {
  id: string;
  userId: string;
  status: OrderStatus;
  currency: string;
  totalAmount: number;
  createdAt: Date;
  items: DatasetItem[];
}

export interface Dataset {
  users: DatasetUser[];
  /** The catalogue, oldest first (the order `products` lists them in). */
  products: DatasetProduct[];
  orders: DatasetOrder[];
  /** The user every identical request is made as: an ADMIN, so `users` and everybody's orders are visible. */
  admin: DatasetUser;
}

export interface DatasetOptions {
  /** How many users; the first is the admin. */
  users: number;
  /** Orders of user i: `minOrdersPerUser + (i % 3)`. */
  minOrdersPerUser: number;
  /** Every `adminEvery`-th user (index 0, k, 2k …) is an ADMIN; default: only the first. */
  adminEvery?: number;
  /** Products sold in each currency (USD, EUR, GBP); every tenth is archived. Default 60. */
  productsPerCurrency?: number;
}

/**
 * Enough for N = 100 on every operation: 120 users with 5 to 7 orders each (720 orders, ~1,440 items), 180
 * products (60 per currency, 18 of them archived).
 */
export const FULL_DATASET: DatasetOptions = { users: 120, minOrdersPerUser: 5 };

const STATUSES: readonly OrderStatus[] = ['PENDING', 'PAID', 'SHIPPED', 'CANCELLED'];
const CURRENCIES = ['USD', 'EUR', 'GBP'] as const;
const PRODUCTS_EPOCH = Date.UTC(2024, 6, 1);
const USERS_EPOCH = Date.UTC(2025, 0, 1);
const ORDERS_EPOCH = Date.UTC(2025, 6, 1);

/** A valid version-4-shaped UUID that encodes a kind and an index, so ids are stable across processes. */
export function stableId(kind: number, index: number): string {
  return `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${(index + 1).toString(16).padStart(12, '0')}`;
}

/**
 * The traffic mix's data (bench/src/mix/): 1,000 distinct users, each with a token of its own, 3 to 5 orders
 * each, one admin in a hundred (the admin lists' callers).
 */
export const MIX_DATASET: DatasetOptions = { users: 1_000, minOrdersPerUser: 3, adminEvery: 100 };

const COLOURS = ['Red', 'Blue', 'Green', 'Black', 'White'] as const;
const KINDS = ['Mug', 'Notebook', 'Cable', 'Keyboard', 'Lamp', 'Pen', 'Backpack'] as const;

/**
 * The catalogue: products interleaved across the currencies (product k is sold in CURRENCIES[k % 3]), named
 * from a few words so that `products(search:)` finds several, every tenth archived after it was created.
 */
function buildProducts(perCurrency: number): DatasetProduct[] {
  return Array.from({ length: perCurrency * CURRENCIES.length }, (_, index) => {
    const label = String(index + 1).padStart(4, '0');
    const active = index % 10 !== 9;
    return {
      id: stableId(0xbe0c0003, index),
      sku: `BENCH-${label}`,
      name: `${COLOURS[index % COLOURS.length]!} ${KINDS[index % KINDS.length]!} ${label}`,
      description: index % 4 === 0 ? null : `Bench product ${label}, for the benchmark only.`,
      priceAmount: 250 + ((index * 37) % 5_000),
      currency: CURRENCIES[index % CURRENCIES.length]!,
      active,
      version: active ? 1 : 2,
      createdAt: new Date(PRODUCTS_EPOCH + index * 60_000),
    };
  });
}

export function buildDataset({
  users: userCount,
  minOrdersPerUser,
  adminEvery = Number.POSITIVE_INFINITY,
  productsPerCurrency = 60,
}: DatasetOptions): Dataset {
  if (userCount < 1 || minOrdersPerUser < 1)
    throw new Error('the dataset needs at least one user and one order each');
  // Three lines at most per order, each a different product of the order's currency.
  if (productsPerCurrency < 3) throw new Error('the dataset needs at least 3 products per currency');
  const users: DatasetUser[] = Array.from({ length: userCount }, (_, index) => {
    const label = String(index + 1).padStart(userCount > 999 ? 4 : 3, '0');
    return {
      id: stableId(0xbe0c0001, index),
      email: `bench-${label}@example.com`,
      name: `Bench User ${label}`,
      role: index % adminEvery === 0 ? 'ADMIN' : 'CUSTOMER',
      passwordHash: 'scrypt$16384$8$1$unused$unused',
      createdAt: new Date(USERS_EPOCH + index * 60_000),
    };
  });

  const products = buildProducts(productsPerCurrency);
  const productsIn = new Map(
    CURRENCIES.map((currency) => [currency, products.filter((product) => product.currency === currency)]),
  );

  // Orders are placed round by round across all users, so the newest orders belong to many different users
  // and `orders(first: N) { user }` really fans out to N distinct users.
  const orders: DatasetOrder[] = [];
  const mostOrders = minOrdersPerUser + Math.min(2, userCount - 1);
  for (let round = 0; round < mostOrders; round += 1) {
    users.forEach((user, userIndex) => {
      if (round >= minOrdersPerUser + (userIndex % 3)) return;
      const index = orders.length;
      const currency = CURRENCIES[index % CURRENCIES.length]!;
      const sold = productsIn.get(currency)!;
      // Lines of products in the order's currency, archived ones included (they were on sale back then).
      const items: DatasetItem[] = Array.from({ length: 1 + (index % 3) }, (_, position) => {
        const product = sold[(index * 7 + position) % sold.length]!;
        return {
          position,
          productId: product.id,
          sku: product.sku,
          name: product.name,
          quantity: 1 + ((index + position) % 4),
          unitPrice: product.priceAmount,
        };
      });
      orders.push({
        id: stableId(0xbe0c0002, index),
        userId: user.id,
        status: STATUSES[index % STATUSES.length]!,
        currency,
        totalAmount: items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0),
        createdAt: new Date(ORDERS_EPOCH + index * 60_000),
        items,
      });
    });
  }
  return { users, products, orders, admin: users[0]! };
}
