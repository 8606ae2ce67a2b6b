import { execFileSync } from 'node:child_process';
import { tcpAnswers, withoutPassword } from '@supergraph/service-kit/net';
import postgres from 'postgres';

/**
 * The services tests use for real: the ones this machine (and CI) runs before any test. A suite that needs one
 * either gets it or fails at once with one line naming what is missing and how to start it — never a skip, never
 * a wall of connection errors from inside a test.
 */
export const MACHINE_SERVICES = {
  postgres: {
    label: 'PostgreSQL',
    variable: 'TEST_DATABASE_URL',
    fallback: 'postgres://postgres@127.0.0.1:5432/postgres',
    start: 'pg_ctlcluster <version> main start, or docker compose up -d users-db',
  },
  redis: {
    label: 'Redis',
    variable: 'TEST_REDIS_URL',
    fallback: 'redis://127.0.0.1:6379',
    start: 'redis-server --daemonize yes, or docker compose up -d redis',
  },
  rabbitmq: {
    label: 'RabbitMQ',
    variable: 'TEST_AMQP_URL',
    fallback: 'amqp://guest:guest@127.0.0.1:5672',
    start: 'rabbitmq-server -detached, or docker compose up -d rabbitmq',
  },
} as const;

export type MachineService = keyof typeof MACHINE_SERVICES;

/** The URL tests use for `service`: its TEST_* variable, else the machine's default address. */
export function machineServiceUrl(service: MachineService): string {
  const spec = MACHINE_SERVICES[service];
  return process.env[spec.variable] || spec.fallback;
}

/** An admin URL of a PostgreSQL server that answers, for suites that cannot run on embedded PGlite. */
export const machinePostgresUrl = (): string => machineServiceUrl('postgres');

async function postgresAnswers(url: string, timeoutMs: number): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: Math.ceil(timeoutMs / 1000), onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Why `service` cannot be used, in one line, or undefined when it answers. */
export async function missingMachineService(
  service: MachineService,
  timeoutMs = 3_000,
): Promise<string | undefined> {
  const spec = MACHINE_SERVICES[service];
  const url = machineServiceUrl(service);
  const answers =
    service === 'postgres'
      ? await postgresAnswers(url, timeoutMs)
      : await tcpAnswers(url, service === 'redis' ? 6379 : 5672, timeoutMs);
  if (answers) return undefined;
  return `${spec.label} is not answering at ${withoutPassword(url)}: these tests need it (set ${spec.variable}, or start it: ${spec.start})`;
}

/** Fails with one line per missing service; used by the vitest global set-up of each suite that needs them. */
export async function requireMachineServices(services: readonly MachineService[]): Promise<void> {
  const missing = (await Promise.all(services.map((service) => missingMachineService(service)))).filter(
    (reason): reason is string => reason !== undefined,
  );
  if (missing.length > 0) throw new Error(missing.join('\n'));
}

const onPath = (binary: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/**
 * Makes `binary` available, installing Debian's `debianPackage` with apt-get when it is missing. Fails with one
 * line when it cannot be installed.
 */
export function ensureDebianPackage(binary: string, debianPackage = binary): void {
  if (onPath(binary)) return;
  // Root here and in CI's clone; elsewhere (a GitHub runner) through passwordless sudo.
  const [command, ...prefix] = process.getuid?.() === 0 ? ['apt-get'] : ['sudo', '-n', 'apt-get'];
  const apt = (args: string[]) =>
    execFileSync(command!, [...prefix, ...args], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  try {
    try {
      apt(['install', '-y', '-qq', debianPackage]);
    } catch {
      // A fresh machine has no package lists yet.
      apt(['update', '-qq']);
      apt(['install', '-y', '-qq', debianPackage]);
    }
  } catch (error) {
    throw new Error(
      `${binary} is missing and \`apt-get install ${debianPackage}\` failed (${(error as Error).message.split('\n')[0]}): install it and run the tests again`,
      { cause: error },
    );
  }
  if (!onPath(binary)) throw new Error(`${binary} is still missing after installing ${debianPackage}`);
}
