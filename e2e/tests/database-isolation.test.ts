import { randomBytes } from 'node:crypto';
import {
  dropServiceDatabase,
  provisionServiceDatabase,
  type ServiceDatabase,
} from '@supergraph/db-provision';
import { loadEnv as loadOrdersEnv } from '@supergraph/orders/env';
import { openOrdersDatabase } from '@supergraph/orders/db';
import { loadEnv as loadUsersEnv } from '@supergraph/users/env';
import { openUsersDatabase } from '@supergraph/users/db';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machinePostgresUrl } from '@supergraph/testing/machine-services';

/**
 * One database and one role per service, on real PostgreSQL (the machine's, in every run).
 * Each service migrates its own database as its own role; neither role can touch the other's data.
 */
/** PostgreSQL-only: the machine's (TEST_DATABASE_URL or 127.0.0.1:5432), in every run of `npm test`. */
const adminUrl = machinePostgresUrl();
const run = randomBytes(3).toString('hex');
const specs = {
  users: {
    database: `t${run}_users_db`,
    role: `t${run}_users_svc`,
    password: randomBytes(12).toString('hex'),
  },
  orders: {
    database: `t${run}_orders_db`,
    role: `t${run}_orders_svc`,
    password: randomBytes(12).toString('hex'),
  },
};
const secrets = { JWT_SECRET: 'j'.repeat(64), INTERNAL_SECRET: 'i'.repeat(64) };

describe('database per service on PostgreSQL', () => {
  let users: ServiceDatabase;
  let orders: ServiceDatabase;

  beforeAll(async () => {
    users = await provisionServiceDatabase(adminUrl, specs.users);
    orders = await provisionServiceDatabase(adminUrl, specs.orders);
    // Migrations run as the owning role, exactly as the services do on start.
    const usersDb = await openUsersDatabase(loadUsersEnv({ ...secrets, DATABASE_URL: users.url }));
    await usersDb.migrate();
    await usersDb.close();
    const ordersDb = await openOrdersDatabase(loadOrdersEnv({ ...secrets, DATABASE_URL: orders.url }));
    await ordersDb.migrate();
    await ordersDb.close();
  });
  afterAll(async () => {
    if (!adminUrl) return;
    await dropServiceDatabase(adminUrl, specs.orders);
    await dropServiceDatabase(adminUrl, specs.users);
  });

  it('provisioning is idempotent', async () => {
    const again = await provisionServiceDatabase(adminUrl, specs.users);
    expect(again).toEqual(users);
  });

  it('each service role owns its tables', async () => {
    const sql = postgres(users.url, { max: 1, onnotice: () => {} });
    try {
      const owners =
        await sql`select tablename, tableowner from pg_tables where schemaname = 'public' order by tablename`;
      expect(owners.map((row) => [row['tablename'], row['tableowner']])).toContainEqual([
        'users',
        specs.users.role,
      ]);
    } finally {
      await sql.end();
    }
  });

  it('applies the pool limits from config: statement timeout and pool size', async () => {
    const handle = await openOrdersDatabase(
      loadOrdersEnv({
        ...secrets,
        DATABASE_URL: orders.url,
        DATABASE_STATEMENT_TIMEOUT_MS: '300',
        DATABASE_POOL_SIZE: '2',
      }),
    );
    try {
      await expect(handle.db.execute(sql`select pg_sleep(2)`)).rejects.toMatchObject({
        cause: { code: '57014' },
      });
      // Five concurrent statements share at most two connections.
      await Promise.all(Array.from({ length: 5 }, () => handle.db.execute(sql`select pg_sleep(0.1)`)));
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      const [row] =
        await admin`select count(*)::int as n from pg_stat_activity where datname = ${specs.orders.database} and usename = ${specs.orders.role}`;
      await admin.end();
      expect(row!['n']).toBeLessThanOrEqual(2);
    } finally {
      await handle.close();
    }
  });

  it('the orders role cannot even connect to the users database', async () => {
    const asOrders = new URL(users.url);
    asOrders.username = specs.orders.role;
    asOrders.password = specs.orders.password;
    const sql = postgres(asOrders.toString(), { max: 1, onnotice: () => {} });
    try {
      await expect(sql`select email from users`).rejects.toMatchObject({ code: '42501' });
    } finally {
      await sql.end();
    }
  });

  it('granted CONNECT by mistake, the orders role still can neither read nor write the users table', async () => {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`grant connect on database "${specs.users.database}" to "${specs.orders.role}"`);
    const asOrders = new URL(users.url);
    asOrders.username = specs.orders.role;
    asOrders.password = specs.orders.password;
    const sql = postgres(asOrders.toString(), { max: 1, onnotice: () => {} });
    try {
      await expect(sql`select email from users`).rejects.toMatchObject({ code: '42501' });
      await expect(
        sql`insert into users (email, name, password_hash) values ('x@example.com', 'x', 'x')`,
      ).rejects.toMatchObject({ code: '42501' });
      await expect(sql`create table stolen (id int)`).rejects.toMatchObject({ code: '42501' });
    } finally {
      await sql.end();
      await admin.unsafe(`revoke connect on database "${specs.users.database}" from "${specs.orders.role}"`);
      await admin.end();
    }
  });
});
