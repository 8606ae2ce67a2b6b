import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { nodeFlagsFor, type ServerSpec } from '../servers.ts';
import { serverCompileCache } from './compile-cache.ts';
import type { ChildMessage, ParentMessage, ProcessStats } from './messages.ts';

const CHILD_ENTRY = join(import.meta.dirname, 'child.ts');

/** A server running in a child process, asked for its stats over IPC. */
export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  stats(): Promise<ProcessStats>;
  resetCounters(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * BENCH_HEAP_PROFILE_DIR=<dir>: every server samples its allocations (garbage included) and writes them there
 * as `<name>.heapprofile` when it stops — for finding what a configuration allocates per request, which is
 * what its peak memory follows. Sampling slows it: never with numbers you report.
 */
function heapProfileEnv(name: string): NodeJS.ProcessEnv {
  const dir = process.env['BENCH_HEAP_PROFILE_DIR'];
  return dir ? { BENCH_HEAP_PROFILE: join(dir, `${name}.heapprofile`) } : {};
}

/**
 * The environment of every server process: only what node needs to run, plus production mode, Apollo's
 * telemetry switch and the warm compile cache (compile-cache.ts) — so no APOLLO_KEY, HIVE_* or proxy variable of the caller's shell changes what is measured.
 */
function serverEnv(
  name: string,
  spec: ServerSpec,
  internalToken: string | undefined,
  compileCache: string,
): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    keep.flatMap((key) => (process.env[key] === undefined ? [] : [[key, process.env[key]]])),
  );
  return {
    ...env,
    NODE_ENV: 'production',
    APOLLO_TELEMETRY_DISABLED: 'true',
    NODE_COMPILE_CACHE: compileCache,
    BENCH_SERVER_SPEC: JSON.stringify(spec),
    ...heapProfileEnv(name),
    ...(internalToken ? { BENCH_INTERNAL_TOKEN: internalToken } : {}),
  };
}

export interface SpawnOptions {
  logDir: string;
  /** Writes the server's stdout (its request logs) to `logDir` instead of discarding it: for debugging only. */
  keepStdout?: boolean;
  startTimeoutMs?: number;
  /** Signs the internal token a bare gateway forwards: sent at start and every 20 s (it lives 60 s). */
  internalToken?: () => Promise<string>;
}

/**
 * Starts `spec` in a child process and resolves once it listens. Its stderr is kept in `logDir`; its stdout
 * (the request logs) is discarded unless `keepStdout` (writing logs to a file is work that production's log
 * shipping does elsewhere).
 */
export async function spawnServer(
  name: string,
  spec: ServerSpec,
  { logDir, keepStdout = false, startTimeoutMs = 120_000, internalToken }: SpawnOptions,
): Promise<ServerProcess> {
  mkdirSync(logDir, { recursive: true });
  const compileCache = await serverCompileCache(nodeFlagsFor(spec), join(logDir, `${name}.compile-cache`));
  const stderrPath = join(logDir, `${name}.stderr.log`);
  const stderr = openSync(stderrPath, 'w');
  const stdout = keepStdout ? openSync(join(logDir, `${name}.stdout.log`), 'w') : 'ignore';
  let child: ChildProcess;
  try {
    child = fork(CHILD_ENTRY, [], {
      env: serverEnv(name, spec, internalToken ? await internalToken() : undefined, compileCache),
      execArgv: [
        ...nodeFlagsFor(spec),
        // BENCH_CPU_PROFILE_DIR=<dir>: every server writes a V8 CPU profile there when it exits (for finding
        // where a configuration spends its time; profiling slows it, so never with numbers you report).
        ...(process.env['BENCH_CPU_PROFILE_DIR']
          ? [
              '--cpu-prof',
              `--cpu-prof-dir=${process.env['BENCH_CPU_PROFILE_DIR']}`,
              `--cpu-prof-name=${name}.cpuprofile`,
            ]
          : []),
      ],
      stdio: ['ignore', stdout, stderr, 'ipc'],
    });
  } finally {
    closeSync(stderr);
    if (typeof stdout === 'number') closeSync(stdout);
  }
  const stderrTail = () => {
    try {
      return readFileSync(stderrPath, 'utf8').slice(-2_000);
    } catch {
      return '';
    }
  };

  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (message: Extract<ChildMessage, { type: 'reply' }>) => void; reject: (error: Error) => void }
  >();
  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  child.on('message', (message: ChildMessage) => {
    if (message.type !== 'reply') return;
    pending.get(message.id)?.resolve(message);
    pending.delete(message.id);
  });
  child.on('exit', (code, signal) =>
    failAll(new Error(`${name} exited (${signal ?? code}): ${stderrTail()}`)),
  );
  // Its copy of the compile cache is its own: gone with it.
  child.once('exit', () => rmSync(compileCache, { recursive: true, force: true }));
  if (internalToken) {
    const refresh = setInterval(() => {
      internalToken().then(
        (token) => child.connected && child.send({ type: 'token', token } satisfies ParentMessage),
        () => {},
      );
    }, 20_000);
    refresh.unref();
    child.once('exit', () => clearInterval(refresh));
  }

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${startTimeoutMs} ms: ${stderrTail()}`));
    }, startTimeoutMs);
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      outcome();
    };
    const onMessage = (message: ChildMessage) => {
      if (message.type === 'ready') settle(() => resolve(message.url));
      if (message.type === 'failed')
        settle(() => reject(new Error(`${name} failed to start: ${message.error}`)));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      settle(() => reject(new Error(`${name} exited (${signal ?? code}) while starting: ${stderrTail()}`)));
    child.on('message', onMessage);
    child.on('exit', onExit);
  });

  const request = (type: Extract<ParentMessage, { id: number }>['type'], timeoutMs = 30_000) =>
    new Promise<Extract<ChildMessage, { type: 'reply' }>>((resolve, reject) => {
      if (!child.connected) return reject(new Error(`${name} is not running: ${stderrTail()}`));
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${name} did not answer "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, {
        resolve: (message) => {
          clearTimeout(timer);
          if (message.error) reject(new Error(`${name}: ${message.error}`));
          else resolve(message);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      child.send({ id, type } satisfies ParentMessage);
    });

  return {
    name,
    url,
    pid: child.pid!,
    async stats() {
      const { stats } = await request('stats');
      if (!stats) throw new Error(`${name} sent no stats`);
      return stats;
    },
    async resetCounters() {
      await request('reset');
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        await request('stop', 15_000);
      } catch {
        child.kill('SIGKILL');
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
