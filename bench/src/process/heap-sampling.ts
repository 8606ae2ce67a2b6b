// Allocation sampling for one benchmark server (BENCH_HEAP_PROFILE_DIR, see pool.ts). V8's sampling heap
// profiler normally forgets an allocation once it is collected; here it keeps every one, so the profile shows
// what the server allocates per request (its garbage), not what it happens to hold when it stops.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname } from 'node:path';

/** Starts sampling; the returned function stops it and writes the profile to `path`. */
export async function sampleAllocations(path: string): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 16_384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return async () => {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    session.disconnect();
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(profile));
  };
}
