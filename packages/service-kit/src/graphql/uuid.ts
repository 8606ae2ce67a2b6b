const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * IDs are UUIDs in the database. An id that is not one cannot exist, so lookups answer "not found" for it
 * instead of letting PostgreSQL fail the whole statement (and the whole batch) on a cast error.
 */
export const isUuid = (value: string): boolean => UUID.test(value);

/** The database returns ids in lower case; normalise keys so an upper-case id finds its row. */
export const normalizeId = (value: string): string => value.toLowerCase();
