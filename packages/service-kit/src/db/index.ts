export {
  createDatabase,
  type Database,
  type DatabaseHandle,
  type DatabaseOptions,
  type PoolOptions,
} from './create-database.ts';
export { createQueryCounter, type QueryCounter } from './query-counter.ts';
export { isUniqueViolation, isDatabaseUnavailable, isLockNotAvailable } from './errors.ts';
export {
  idempotencyTable,
  runIdempotent,
  mutationCall,
  fingerprintOf,
  IDEMPOTENCY_KEY_TTL_HOURS,
  type IdempotencyTable,
  type IdempotentCall,
  type IdempotencyCodec,
} from './idempotency.ts';
export { waitForDatabase } from './wait-for-database.ts';
export { guardDriverFaults, isDriverFault } from './driver-fault-guard.ts';
export type { DatabaseUsage, QueryEvent } from './usage.ts';
export { afterTimeKey } from './keyset.ts';
export { openServiceDatabase, type ServiceDatabaseEnv } from './open-service-database.ts';
