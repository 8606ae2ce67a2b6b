import DataLoader from 'dataloader';
import { isUuid, normalizeId } from '../graphql/uuid.ts';
import { instrumentedBatch, type BatchObserver } from '../metrics/service-metrics.ts';

/**
 * Rows by uuid, one statement per request for every id asked for, however many entities reference them.
 * An id that is not a uuid cannot exist: it loads null without reaching the database (where the cast would
 * fail the whole batch). `name` labels the batch-size metric.
 */
export function createByIdLoader<TRow extends { id: string }>(
  name: string,
  findByIds: (ids: string[]) => Promise<TRow[]>,
  batches?: BatchObserver,
): DataLoader<string, TRow | null> {
  const load = async (ids: readonly string[]) => {
    const valid = ids.filter(isUuid).map(normalizeId);
    const rows = valid.length ? await findByIds(valid) : [];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(normalizeId(id)) ?? null);
  };
  return new DataLoader<string, TRow | null>(instrumentedBatch(name, load, batches));
}
