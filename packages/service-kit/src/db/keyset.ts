import { and, eq, gt, lt, or, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * Keyset pagination on (created_at, id): the rows strictly after `after` in that order, `asc` (oldest first)
 * or `desc` (newest first). Stable while rows are inserted, unlike an offset.
 */
export function afterTimeKey(
  columns: { createdAt: PgColumn; id: PgColumn },
  after: { createdAt: Date; id: string } | null,
  order: 'asc' | 'desc',
): SQL | undefined {
  if (!after) return undefined;
  const beyond = order === 'asc' ? gt : lt;
  return or(
    beyond(columns.createdAt, after.createdAt),
    and(eq(columns.createdAt, after.createdAt), beyond(columns.id, after.id)),
  );
}
