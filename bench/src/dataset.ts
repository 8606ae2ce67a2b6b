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

export interface DatasetItem {
  position: number;
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
}

/** Enough for N = 100 on every operation: 120 users with 5 to 7 orders each (720 orders, ~1,440 items). */
export const FULL_DATASET: DatasetOptions = { users: 120, minOrdersPerUser: 5 };

const STATUSES: readonly OrderStatus[] = ['PENDING', 'PAID', 'SHIPPED', 'CANCELLED'];
const CURRENCIES = ['USD', 'EUR', 'GBP'] as const;
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

export function buildDataset({
  users: userCount,
  minOrdersPerUser,
  adminEvery = Number.POSITIVE_INFINITY,
}: DatasetOptions): Dataset {
  if (userCount < 1 || minOrdersPerUser < 1)
    throw new Error('the dataset needs at least one user and one order each');
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

  // Orders are placed round by round across all users, so the newest orders belong to many different users
  // and `orders(first: N) { user }` really fans out to N distinct users.
  const orders: DatasetOrder[] = [];
  const mostOrders = minOrdersPerUser + Math.min(2, userCount - 1);
  for (let round = 0; round < mostOrders; round += 1) {
    users.forEach((user, userIndex) => {
      if (round >= minOrdersPerUser + (userIndex % 3)) return;
      const index = orders.length;
      const items: DatasetItem[] = Array.from({ length: 1 + (index % 3) }, (_, position) => ({
        position,
        sku: `SKU-${String(index).padStart(4, '0')}-${position}`,
        name: `Bench item ${index}.${position}`,
        quantity: 1 + ((index + position) % 4),
        unitPrice: 250 + ((index * 37 + position * 101) % 5_000),
      }));
      orders.push({
        id: stableId(0xbe0c0002, index),
        userId: user.id,
        status: STATUSES[index % STATUSES.length]!,
        currency: CURRENCIES[index % CURRENCIES.length]!,
        totalAmount: items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0),
        createdAt: new Date(ORDERS_EPOCH + index * 60_000),
        items,
      });
    });
  }
  return { users, orders, admin: users[0]! };
}
