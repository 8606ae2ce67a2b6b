import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually, loggedUrl, testSecrets } from '@supergraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadedTypeStripper } from '../../scripts/warm-compile-cache.ts';

/**
 * A service started on a warm compile cache never loads Node's TypeScript stripper (its parser would stay in
 * the process's memory): scripts/warm-compile-cache.ts fills the cache without running anything, and the
 * Docker image runs it at build time.
 */
const ROOT = join(import.meta.dirname, '../..');
const WARM_SCRIPT = join(ROOT, 'scripts/warm-compile-cache.ts');
const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'compile-cache-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * `--import` for a process under test: writes the Node modules it loaded (process.moduleLoadList) to
 * `file` when it exits. JavaScript, so the probe itself needs no stripping.
 */
const moduleListAtExit = (file: string) => [
  '--import',
  `data:text/javascript,${encodeURIComponent(
    `import { writeFileSync } from 'node:fs';
     process.on('exit', () => writeFileSync(${JSON.stringify(file)}, JSON.stringify(process.moduleLoadList)));`,
  )}`,
];
const loadedTypeStripperAtExit = (file: string) =>
  loadedTypeStripper(JSON.parse(readFileSync(file, 'utf8')) as string[]);

describe('scripts/warm-compile-cache.ts', () => {
  // A two-module TypeScript program whose entry leaves a mark when it runs.
  const program = join(scratch, 'program');
  const mark = join(scratch, 'program-ran');
  const entry = join(program, 'entry.ts');
  const cache = join(scratch, 'program-cache');
  beforeAll(() => {
    mkdirSync(program);
    writeFileSync(join(program, 'package.json'), '{"type":"module"}');
    writeFileSync(join(program, 'answer.ts'), 'export const answer: number = 42;\n');
    writeFileSync(
      entry,
      `import { writeFileSync } from 'node:fs';
       import { answer } from './answer.ts';
       const value: string = String(answer);
       writeFileSync(${JSON.stringify(mark)}, value);\n`,
    );
  });
  const runProgram = async (cacheDir: string, loaded: string) => {
    await run(process.execPath, [...moduleListAtExit(loaded), entry], {
      env: { PATH: process.env['PATH'], NODE_COMPILE_CACHE: cacheDir },
    });
    return { ran: readFileSync(mark, 'utf8'), stripper: loadedTypeStripperAtExit(loaded) };
  };

  it('fills the cache without running the entry, and a process started from it never strips types', async () => {
    const { stdout } = await run(process.execPath, [WARM_SCRIPT, entry], {
      env: { PATH: process.env['PATH'], NODE_COMPILE_CACHE: cache },
    });
    expect(stdout).toContain(`compile cache warmed in ${cache}/`);
    expect(existsSync(mark)).toBe(false);

    expect(await runProgram(cache, join(scratch, 'warm.json'))).toEqual({ ran: '42', stripper: false });
    rmSync(mark);
    // The probe sees the stripper when the cache is cold: the assertion above is not vacuous.
    expect(await runProgram(join(scratch, 'cold-cache'), join(scratch, 'cold.json'))).toEqual({
      ran: '42',
      stripper: true,
    });
  });

  it('refuses to run without a cache directory, and fails as starting would on a missing import', async () => {
    const noCache = run(process.execPath, [WARM_SCRIPT, entry], { env: { PATH: process.env['PATH'] } });
    await expect(noCache).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('set NODE_COMPILE_CACHE') as unknown,
    });
    const broken = join(program, 'broken.ts');
    writeFileSync(broken, "import { missing } from './missing.ts';\nexport const x: unknown = missing;\n");
    await expect(
      run(process.execPath, [WARM_SCRIPT, broken], {
        env: { PATH: process.env['PATH'], NODE_COMPILE_CACHE: cache },
      }),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('ERR_MODULE_NOT_FOUND') as unknown });
  });
});

describe("the Docker image's warm compile cache", () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const cacheDir = /^ENV .*\bNODE_COMPILE_CACHE=(\S+)/m.exec(dockerfile)?.[1];
  const warmStep = /^RUN node \/app\/scripts\/warm-compile-cache\.ts (.+)$/m.exec(dockerfile)?.[1];

  it('is set for every service and filled at build time, after the last file is copied in', () => {
    expect(cacheDir).toBe('/home/node/.cache/node-compile-cache');
    expect(warmStep).toBeDefined();
    const lines = dockerfile.split('\n');
    const warmAt = lines.findIndex((line) => line.startsWith('RUN node /app/scripts/warm-compile-cache.ts'));
    // As the user the service runs as, so it may add to the cache; after every COPY, or a later one could
    // change a cached file.
    expect(lines.slice(0, warmAt).findLast((line) => line.startsWith('USER '))).toBe('USER node');
    expect(lines.slice(warmAt).some((line) => line.startsWith('COPY '))).toBe(false);
  });

  const cache = join(scratch, 'gateway-cache');
  const router = join(ROOT, 'router');
  beforeAll(async () => {
    // The image's step, run here in the gateway's directory with the repository where the image has /app.
    const args = warmStep!.split(' ').map((arg) => arg.replace(/^\/app\//, `${ROOT}/`));
    await run(process.execPath, [WARM_SCRIPT, ...args], {
      cwd: router,
      env: { PATH: process.env['PATH'], NODE_COMPILE_CACHE: cache },
    });
  });

  /** Starts the gateway from the warmed cache, sends it a query, stops it: did it load the stripper? */
  async function gatewayLoadedTypeStripper(name: string, env: Record<string, string> = {}) {
    const loaded = join(scratch, `${name}-modules.json`);
    const gateway = spawn(process.execPath, [...moduleListAtExit(loaded), 'src/index.ts'], {
      cwd: router,
      env: {
        PATH: process.env['PATH'],
        ...testSecrets(),
        NODE_ENV: 'production',
        // As docker-compose.yml runs it: free text is served (and logged), so a plain query can go through.
        TRUSTED_DOCUMENTS: 'log',
        NODE_COMPILE_CACHE: cache,
        LOG_LEVEL: 'info',
        LOG_FLUSH_MS: '0',
        HOST: '127.0.0.1',
        // Port 0: its "gateway ready" line says where it listens, so no other process can answer in its place.
        PORT: '0',
        METRICS_PORT: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    gateway.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    gateway.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    try {
      const url = await eventually(
        () => {
          if (gateway.exitCode !== null) throw new Error(`the gateway exited:\n${output.join('')}`);
          const ready = loggedUrl(output.join(''), 'gateway ready');
          expect(ready, 'the gateway has not logged "gateway ready"').toBeDefined();
          return ready!;
        },
        { timeoutMs: 60_000 },
      );
      // A request through the whole pipeline, one the subgraphs (not running here) are not needed for.
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    } finally {
      gateway.kill('SIGTERM');
      await once(gateway, 'exit');
    }
    expect(gateway.exitCode).toBe(0);
    return loadedTypeStripperAtExit(loaded);
  }

  it('lets the gateway start, serve and stop without loading the type stripper', async () => {
    expect(await gatewayLoadedTypeStripper('gateway')).toBe(false);
  }, 90_000);

  it('covers the tracing SDK, which the gateway requires only when an exporter is configured', async () => {
    // A collector that takes every export.
    const collector = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    }).listen(0, '127.0.0.1');
    await once(collector, 'listening');
    try {
      const { port } = collector.address() as { port: number };
      expect(
        await gatewayLoadedTypeStripper('traced-gateway', {
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        }),
      ).toBe(false);
    } finally {
      collector.close();
    }
  }, 90_000);
});

describe('npm start', () => {
  it('gives every service one compile cache, which each writes when it stops', () => {
    // scripts/start.ts passes `env` to every service it launches.
    expect(readFileSync(join(ROOT, 'scripts/start.ts'), 'utf8')).toMatch(
      /const env = \{[^}]*NODE_COMPILE_CACHE:\s*process\.env\['NODE_COMPILE_CACHE'\] \?\? join\(ROOT, 'node_modules\/\.cache\/node-compile-cache'\)/,
    );
  });
});
