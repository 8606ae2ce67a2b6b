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
