/**
 * `npm start`: the whole stack on one machine with nothing installed — every subgraph of the repository
 * (schema/src/subgraphs.ts) on embedded PGlite with demo data, then the gateway, then the web app on Vite's
 * dev server (web/). Ctrl-C stops everything cleanly. Events go through the local RabbitMQ and
 * rate limits are counted in the local Redis whenever those answer (start/local-services.ts); on a terminal
 * the services' JSON logs are shown as short readable lines (start/pretty-log.ts; LOG_FORMAT=json|pretty).
 *
 * Secrets are generated fresh for each run (tokens from a previous run stop working), so no secret ever
 * lives in the repository. Set JWT_SECRET / INTERNAL_SECRET yourself to keep sessions across restarts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoUser } from '@supergraph/demo-data';
import { routerEnvSchema } from '@supergraph/router/env';
import { GATEWAY_NODE_OPTIONS } from '@supergraph/router/heap';
import { envNameOf } from '@supergraph/router/subgraph-settings';
import { REPO_SUBGRAPHS } from '@supergraph/schema/subgraphs';
import { loadStartEnv } from './start/env.ts';
import { detectLocalServices } from './start/local-services.ts';
import { createPrettyFormatter } from './start/pretty-log.ts';

const ROOT = join(import.meta.dirname, '..');
const config = loadStartEnv(process.env);
const env = {
  ...process.env,
  JWT_SECRET: config.JWT_SECRET ?? randomBytes(32).toString('hex'),
  INTERNAL_SECRET: config.INTERNAL_SECRET ?? randomBytes(32).toString('hex'),
  // Service logs shown as they happen (services batch them by default; docs/operations.md).
  LOG_FLUSH_MS: process.env['LOG_FLUSH_MS'] ?? '0',
  // Each service keeps its compiled modules here when it stops, so from the second start on it takes its
  // TypeScript stripped from the cache and never loads Node's type stripper (docs/operations.md, "Gateway
  // memory"); the Docker image ships the cache warm (scripts/warm-compile-cache.ts).
  NODE_COMPILE_CACHE:
    process.env['NODE_COMPILE_CACHE'] ?? join(ROOT, 'node_modules/.cache/node-compile-cache'),
};
const local = await detectLocalServices(process.env);
const pretty = config.LOG_FORMAT ? config.LOG_FORMAT === 'pretty' : Boolean(process.stdout.isTTY);
const format = createPrettyFormatter({
  color: pretty && Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'],
});
const eventsEnv: Record<string, string> = local.amqpUrl ? { AMQP_URL: local.amqpUrl } : {};
const GATEWAY_PORT = config.GATEWAY_PORT;
const WEB_PORT = config.WEB_PORT;
const webOrigins = [`http://127.0.0.1:${WEB_PORT}`, `http://localhost:${WEB_PORT}`];
// The gateway's default CORS allow-list names the app on port 3000; an app moved by WEB_PORT is added to it
// (a CORS_ORIGINS of your own is kept as it is).
const corsOrigins = process.env['CORS_ORIGINS']
  ? undefined
  : [...new Set([...routerEnvSchema.shape.CORS_ORIGINS.parse(undefined), ...webOrigins])].join(',');

interface Service {
  name: string;
  dir: string;
  port: number;
  env: Record<string, string>;
  /** What node runs in `dir` (default: the service's `src/index.ts`). */
  args?: string[];
  /** The path that answers 200 once the service is ready (default: `/health/ready`). */
  readyPath?: string;
}

/** Each subgraph on the port its composition URL names, unless `<NAME>_PORT` moves it; its own database. */
const SUBGRAPHS: Service[] = REPO_SUBGRAPHS.map(({ name, url }) => {
  const own = config.subgraph(envNameOf(name));
  return {
    name,
    dir: `subgraphs/${name}`,
    port: own.port ?? Number(new URL(url).port),
    env: {
      ...eventsEnv,
      ...(own.databaseUrl ? { DATABASE_URL: own.databaseUrl } : {}),
      ...(own.dataDir ? { DATA_DIR: own.dataDir } : {}),
    },
  };
});

const GATEWAY: Service = {
  name: 'gateway',
  dir: 'router',
  port: GATEWAY_PORT,
  env: {
    // The gateway's heap sizing (router/src/heap.ts), as in docker-compose.yml; a NODE_OPTIONS of your own
    // comes last, so its flags win.
    NODE_OPTIONS: [GATEWAY_NODE_OPTIONS, process.env['NODE_OPTIONS']].filter(Boolean).join(' '),
    ...Object.fromEntries(
      SUBGRAPHS.map(({ name, port }) => [
        `SUBGRAPH_${envNameOf(name)}_URL`,
        `http://127.0.0.1:${port}/graphql`,
      ]),
    ),
    ...(local.redisUrl ? { REDIS_URL: local.redisUrl } : {}),
    ...(corsOrigins ? { CORS_ORIGINS: corsOrigins } : {}),
    // Apollo Sandbox opens logged in as the demo customer grace@example.com (seeded by the users subgraph).
    SANDBOX_USER_ID: demoUser('grace@example.com').id,
  },
};

const gatewayUrl = `http://127.0.0.1:${GATEWAY_PORT}/graphql`;

/** The web app on Vite's dev server: its origin is in the gateway's default CORS allow-list. */
const WEB: Service = {
  name: 'web',
  dir: 'web',
  port: WEB_PORT,
  args: [
    join(dirname(createRequire(join(ROOT, 'web/package.json')).resolve('vite/package.json')), 'bin/vite.js'),
  ],
  readyPath: '/',
  env: { WEB_PORT: String(WEB_PORT), GATEWAY_URL: gatewayUrl },
};

const children = new Map<string, ChildProcess>();
let stopping = false;

function prefixLines(name: string, stream: NodeJS.ReadableStream, out: NodeJS.WritableStream) {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) out.write(pretty ? `${format(name, line)}\n` : `${name.padEnd(7)} | ${line}\n`);
  });
}

function launch(service: Service): ChildProcess {
  const child = spawn(process.execPath, service.args ?? ['src/index.ts'], {
    cwd: join(ROOT, service.dir),
    env: { ...env, ...service.env, PORT: String(service.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: Ctrl-C in the terminal reaches only this script, which then stops each service
    // once, gracefully (a service that got the terminal's SIGINT and our SIGTERM would exit at once).
    detached: true,
  });
  prefixLines(service.name, child.stdout!, process.stdout);
  prefixLines(service.name, child.stderr!, process.stderr);
  child.on('exit', (code, signal) => {
    children.delete(service.name);
    if (!stopping) {
      console.error(
        `\n${service.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the stack.`,
      );
      void stop(1);
    }
  });
  children.set(service.name, child);
  return child;
}

async function waitReady(service: Service, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) throw new Error('stopped');
    try {
      const response = await fetch(
        `http://127.0.0.1:${service.port}${service.readyPath ?? '/health/ready'}`,
        {
          signal: AbortSignal.timeout(2_000),
        },
      );
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${service.name} was not ready on port ${service.port} within ${timeoutMs / 1000}s`);
}

async function stop(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const exits = [...children.values()].map(
    (child) =>
      new Promise<void>((resolve) =>
        child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
      ),
  );
  for (const child of children.values()) child.kill('SIGTERM');
  const forced = setTimeout(() => children.forEach((child) => child.kill('SIGKILL')), 15_000);
  await Promise.all(exits);
  clearTimeout(forced);
  process.exit(exitCode);
}

process.on('SIGINT', () => void stop(0));
// Children live in their own process groups: never leave them behind, whatever ends this script.
process.on('exit', () => children.forEach((child) => child.kill('SIGTERM')));
process.on('SIGTERM', () => void stop(0));

SUBGRAPHS.forEach(launch);
try {
  await Promise.all(SUBGRAPHS.map((subgraph) => waitReady(subgraph)));
  launch(GATEWAY);
  await waitReady(GATEWAY);
  launch(WEB);
  await waitReady(WEB);
} catch (error) {
  console.error(`\nThe stack did not start: ${(error as Error).message}`);
  await stop(1);
  process.exit(1);
}
if (stopping) process.exit(1);

const url = gatewayUrl;
console.log(`
  Supergraph gateway ready: ${url}
  (open it in a browser for Apollo Sandbox)

  Web app: http://127.0.0.1:${WEB_PORT}
  (Vite dev server; log in with a demo login below)

  ${local.banner.join('\n  ')}

  Demo logins (password: demo-password)
    ada@example.com    ADMIN
    grace@example.com  CUSTOMER

  Try it:
    TOKEN=$(curl -s ${url} -H 'content-type: application/json' \\
      -d '{"query":"mutation { logIn(email: \\"grace@example.com\\", password: \\"demo-password\\") { token } }"}' \\
      | sed -E 's/.*"token":"([^"]+)".*/\\1/')
    curl -s ${url} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\
      -d '{"query":"{ me { name orders(first: 2) { edges { node { status total { amount currency } user { name } } } } } }"}'

  Ctrl-C stops everything.
`);
