import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export interface TestDatabase {
  /** postgres:// URL of a fresh database, or undefined for embedded PGlite. */
  url: string | undefined;
  /** PGlite data folder; in memory, so nothing outlives the test. */
  dataDir: string;
  drop(): Promise<void>;
}

/**
 * A database of the test's own. With TEST_DATABASE_URL (an admin URL to a real PostgreSQL) it creates a
 * uniquely named database and drops it afterwards, so parallel runs never collide; otherwise it is an
 * in-memory PGlite. A suite that needs PostgreSQL whatever the run passes the admin URL itself.
 */
export async function createTestDatabase(
  label: string,
  adminUrl = process.env['TEST_DATABASE_URL'],
): Promise<TestDatabase> {
  if (!adminUrl) return { url: undefined, dataDir: 'memory://', drop: async () => {} };

  const name = `t_${label.replace(/\W/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`.toLowerCase();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir: 'memory://',
    async drop() {
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
