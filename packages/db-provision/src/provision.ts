import postgres from 'postgres';

export interface ServiceDatabase {
  database: string;
  role: string;
  /** postgres:// URL for the service: its own role, its own database. */
  url: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`"${name}" is not a plain lower-case PostgreSQL identifier`);
  return `"${name}"`;
}

const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * Creates (or brings up to date) a service's login role and its database, owned by that role, with
 * CONNECT revoked from everybody else. Idempotent: running it again only re-asserts the same state (and
 * resets the password to the given one). DDL cannot take bind parameters, so names are validated as plain
 * identifiers and the password is quoted as a literal.
 */
export async function provisionServiceDatabase(
  adminUrl: string,
  spec: { database: string; role: string; password: string },
): Promise<ServiceDatabase> {
  const role = identifier(spec.role);
  const database = identifier(spec.database);
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [existingRole] = await admin`select 1 from pg_roles where rolname = ${spec.role}`;
    await admin.unsafe(
      `${existingRole ? 'alter' : 'create'} role ${role} with login nosuperuser nocreatedb nocreaterole password ${literal(spec.password)}`,
    );
    const [existingDb] = await admin`select 1 from pg_database where datname = ${spec.database}`;
    if (!existingDb) await admin.unsafe(`create database ${database} owner ${role}`);
    else await admin.unsafe(`alter database ${database} owner to ${role}`);
    await admin.unsafe(`revoke all on database ${database} from public`);
    await admin.unsafe(`grant connect, temporary on database ${database} to ${role}`);
  } finally {
    await admin.end();
  }

  // Inside the new database: only its owner may create objects in the public schema.
  const inside = postgres(withDatabase(adminUrl, spec.database), { max: 1, onnotice: () => {} });
  try {
    await inside.unsafe(`revoke create on schema public from public`);
    await inside.unsafe(`alter schema public owner to ${role}`);
  } finally {
    await inside.end();
  }

  const url = new URL(withDatabase(adminUrl, spec.database));
  url.username = spec.role;
  url.password = encodeURIComponent(spec.password);
  return { database: spec.database, role: spec.role, url: url.toString() };
}

/** Removes a service's database and role (tests clean up with it). */
export async function dropServiceDatabase(
  adminUrl: string,
  spec: { database: string; role: string },
): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${identifier(spec.database)} with (force)`);
    await admin.unsafe(`drop role if exists ${identifier(spec.role)}`);
  } finally {
    await admin.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
