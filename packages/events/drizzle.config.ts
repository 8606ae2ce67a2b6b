import { defineConfig } from 'drizzle-kit';

/** Only for the tests' fixture database: services keep the outbox and inbox in their own migrations. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './tests/fixture/schema.ts',
  out: './tests/fixture/migrations',
  casing: 'snake_case',
});
