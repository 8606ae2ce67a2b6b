/**
 * PostgreSQL reports constraint violations with SQLSTATE codes; both drivers expose `code`, and Drizzle
 * wraps driver errors in a `DrizzleQueryError` whose `cause` is the driver's error.
 */
function sqlState(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    if ('code' in current && typeof current.code === 'string' && /^[0-9A-Z]{5}$/.test(current.code)) {
      return current.code;
    }
    current = 'cause' in current ? current.cause : undefined;
  }
  return undefined;
}

export const isUniqueViolation = (error: unknown) => sqlState(error) === '23505';

/** `lock_timeout` passed while waiting for a row lock. */
export const isLockNotAvailable = (error: unknown) => sqlState(error) === '55P03';

/** Driver codes for a connection that could not be made or was lost. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/**
 * True when the database, not the request, is at fault: it is unreachable, shutting down, refusing
 * connections, or dropped ours (SQLSTATE class 08 connection exceptions, 57P01-57P03 shutdown/cannot
 * connect now, 55000 "not accepting connections", 53300 too many connections).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const code = 'code' in current ? String(current.code) : '';
    if (
      CONNECTION_CODES.has(code) ||
      code.startsWith('08') ||
      ['57P01', '57P02', '57P03', '55000', '53300'].includes(code)
    ) {
      return true;
    }
    current =
      'cause' in current ? current.cause : 'originalError' in current ? current.originalError : undefined;
  }
  return false;
}
