/**
 * Counts the SQL statements Drizzle sends. Tests use it to prove that loading a list costs a constant
 * number of statements however long the list is (no N+1).
 */
export interface QueryCounter {
  readonly statements: readonly string[];
  readonly count: number;
  record(sql: string): void;
  reset(): void;
}

export function createQueryCounter(): QueryCounter {
  let statements: string[] = [];
  return {
    get statements() {
      return statements;
    },
    get count() {
      return statements.length;
    },
    record(sql) {
      statements.push(sql);
    },
    reset() {
      statements = [];
    },
  };
}
