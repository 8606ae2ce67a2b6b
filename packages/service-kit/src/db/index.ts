export { createDatabase, type Database, type DatabaseHandle, type DatabaseOptions } from './create-database.ts';
export { createQueryCounter, type QueryCounter } from './query-counter.ts';
export { isUniqueViolation } from './errors.ts';
