// One benchmark server in a process of its own, so its CPU time and memory are its own. Started by pool.ts
// with the server's spec in BENCH_SERVER_SPEC; answers the parent's IPC requests until told to stop.
import { subscribe } from 'node:diagnostics_channel';
import { loadedTypeStripper } from '../../../scripts/warm-compile-cache.ts';
import { installLoopbackGuard } from './loopback-guard.ts';
import type { ChildMessage, ParentMessage, ProcessStats } from './messages.ts';

const outbound = installLoopbackGuard();
// Every server's incoming requests, counted the same way whatever HTTP stack it uses (express, Apollo's
// standalone server, Hive's): CPU per request is divided by what the server received, including requests
// still in flight when a measurement's clients stopped.
let httpRequests = 0;
subscribe('http.server.request.start', () => {
  httpRequests += 1;
});
const send = (message: ChildMessage) => process.send?.(message);

// Servers start with a warm compile cache (compile-cache.ts). A TypeScript module it missed makes Node load its
// type stripper, which stays in memory for good: this server's peak RSS would then not be what the shipped
// image's is, so the run stops rather than report it.
// (process.moduleLoadList, Node's list of its own modules loaded so far, is not in @types/node.)
const nodeModulesLoaded = () => (process as NodeJS.Process & { moduleLoadList: string[] }).moduleLoadList;
const missedCompileCache = () =>
  process.env['NODE_COMPILE_CACHE'] !== undefined && loadedTypeStripper(nodeModulesLoaded())
    ? "loaded Node's TypeScript stripper: a module missed the warm compile cache (SERVER_ENTRIES in compile-cache.ts)"
    : undefined;

try {
  const spec = process.env['BENCH_SERVER_SPEC'];
  if (!spec || !process.send) throw new Error('child.ts is started by the benchmark (pool.ts), not by hand');
  // The bare gateways forward a token the parent signs (so this process needs no signing code of ours).
  let internalToken = process.env['BENCH_INTERNAL_TOKEN'];
  const tokens = internalToken ? () => Promise.resolve(internalToken!) : undefined;
  const heapProfile = process.env['BENCH_HEAP_PROFILE'];
  const stopSampling = heapProfile
    ? await (await import('./heap-sampling.ts')).sampleAllocations(heapProfile)
    : undefined;
  // Imported only now, after the guard is in place.
  const { startServer } = await import('../servers.ts');
  const server = await startServer(JSON.parse(spec), tokens);
  const missedAtStart = missedCompileCache();
  if (missedAtStart) {
    await server.stop();
    throw new Error(missedAtStart);
  }
  const stats = (): ProcessStats => {
    const cpu = process.cpuUsage();
    return {
      pid: process.pid,
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      rssBytes: process.memoryUsage.rss(),
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      httpRequests,
      counters: server.counters(),
      outbound: outbound(),
    };
  };
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'token') {
      internalToken = message.token;
      return;
    }
    const reply = (extra: Omit<Extract<ChildMessage, { type: 'reply' }>, 'type' | 'id'> = {}) =>
      send({ type: 'reply', id: message.id, ...extra });
    switch (message.type) {
      case 'stats': {
        const missed = missedCompileCache();
        return reply(missed ? { error: missed } : { stats: stats() });
      }
      case 'reset':
        server.resetCounters();
        return reply();
      case 'stop':
        server
          .stop()
          .then(() => stopSampling?.())
          .then(
            () => {
              reply();
              process.disconnect();
            },
            (error: unknown) => {
              reply({ error: String(error) });
              process.disconnect();
            },
          );
    }
  });
  // The parent is gone (or done with us): nothing is left to serve.
  process.on('disconnect', () => setTimeout(() => process.exit(0), 200).unref());
  send({ type: 'ready', url: server.url });
} catch (error) {
  console.error(error);
  send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  process.disconnect?.();
}
