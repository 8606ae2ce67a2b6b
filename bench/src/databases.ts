import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { SUBGRAPHS, type SubgraphName } from './configurations.ts';

/** Where one service's database is: a postgres:// URL, or (url undefined) an in-memory PGlite of its own. */
export interface DatabaseTarget {
  url: string | undefined;
  dataDir: string;
}

export interface BenchDatabases extends Record<SubgraphName, DatabaseTarget> {
  kind: 'postgres' | 'pglite';
  /** Drops what was created (nothing for PGlite: it lives and dies with its process). */
  drop(): Promise<void>;
}

const PGLITE: DatabaseTarget = { url: undefined, dataDir: 'memory://' };

/**
 * Fresh databases for one run. With an admin URL (BENCH_DATABASE_URL) it creates uniquely named PostgreSQL
 * databases, one per subgraph, and drops them afterwards; without one, each process that opens a
 * database gets its own in-memory PGlite.
 */
export async function createBenchDatabases(
  adminUrl: string | undefined,
  label: string,
): Promise<BenchDatabases> {
  if (!adminUrl)
    return {
      kind: 'pglite',
      users: PGLITE,
      orders: PGLITE,
      catalog: PGLITE,
      drop: async () => {},
    };
  const suffix = `${label.replace(/\W/g, '_').slice(0, 20)}_${randomBytes(4).toString('hex')}`.toLowerCase();
  const names = Object.fromEntries(SUBGRAPHS.map((name) => [name, `bench_${name}_${suffix}`])) as Record<
    SubgraphName,
    string
  >;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const created: string[] = [];
  const dropAll = async () => {
    const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      for (const name of created) await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
    } finally {
      await cleanup.end();
    }
  };
  try {
    for (const name of Object.values(names)) {
      await admin.unsafe(`create database "${name}"`);
      created.push(name);
    }
  } catch (error) {
    await admin.end();
    await dropAll();
    throw error;
  }
  await admin.end();
  const urlOf = (name: string) => {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  return {
    kind: 'postgres',
    users: { url: urlOf(names.users), dataDir: PGLITE.dataDir },
    orders: { url: urlOf(names.orders), dataDir: PGLITE.dataDir },
    catalog: { url: urlOf(names.catalog), dataDir: PGLITE.dataDir },
    drop: dropAll,
  };
}
