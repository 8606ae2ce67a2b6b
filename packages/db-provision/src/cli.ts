/**
 * `npm run db:provision -- --admin-url postgres://postgres@127.0.0.1:5432/postgres`
 * Creates each service's role and database (idempotent) and prints the DATABASE_URL each service needs.
 * Passwords come from USERS_DB_PASSWORD / ORDERS_DB_PASSWORD; a missing one is generated and printed once.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { provisionServiceDatabase } from './provision.ts';
import { SERVICE_DATABASES } from './services.ts';

const { values } = parseArgs({
  options: { 'admin-url': { type: 'string' }, help: { type: 'boolean' } },
});
const adminUrl = values['admin-url'] ?? process.env['PG_ADMIN_URL'];
if (values.help || !adminUrl) {
  console.error(
    'usage: npm run db:provision -- --admin-url postgres://ADMIN@HOST:5432/postgres   (or PG_ADMIN_URL)',
  );
  process.exit(values.help ? 0 : 2);
}

for (const spec of SERVICE_DATABASES) {
  const given = process.env[spec.passwordVariable];
  const password = given ?? randomBytes(24).toString('base64url');
  const result = await provisionServiceDatabase(adminUrl, { ...spec, password });
  console.log(
    `# ${spec.service}: database ${result.database} owned by role ${result.role}${given ? '' : ' (new password generated)'}`,
  );
  console.log(`${spec.service.toUpperCase()}_DATABASE_URL=${result.url}`);
}
