import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configuration, type ConfigId } from '../src/configurations.ts';
import { operation, OPERATIONS } from '../src/operations.ts';
import { probe } from '../src/probe.ts';
import { installLoopbackGuard } from '../src/process/loopback-guard.ts';
import { startInProcess } from './in-process.ts';

// Every server of this file runs in this process: anything it tries to reach beyond loopback is refused here.
const outbound = installLoopbackGuard();
const CONFIGS: ConfigId[] = ['A', 'A+cache', 'A+ids', "A'", 'C', 'D', "D'", 'E'];
let stack: Awaited<ReturnType<typeof startInProcess>>;

beforeAll(async () => {
  stack = await startInProcess(CONFIGS.map((id) => configuration(id).server));
});
afterAll(async () => {
  await stack?.stop();
});

describe('every configuration answers the benchmark operations with the same data', () => {
  for (const op of OPERATIONS) {
    it(`${op.id} (${op.description}) at N=10: ${CONFIGS.join(', ')} return the expected data, no errors, 10 edges`, async () => {
      const answers = new Map<ConfigId, unknown>();
      for (const id of CONFIGS) {
        const result = await probe(stack.harness, configuration(id), op, 10);
        expect(result.problems, `${id}: ${result.body.slice(0, 300)}`).toEqual([]);
        const data = (JSON.parse(result.body) as { data: Record<string, { edges: unknown[] }> }).data;
        expect(Object.values(data)[0]!.edges).toHaveLength(10);
        answers.set(id, data);
      }
      const reference = answers.get('A');
      for (const [id, data] of answers)
        expect(isDeepStrictEqual(data, reference), `${id} differs from A`).toBe(true);
    });
  }

  it('the monolith runs the same SQL per operation as the federated graph (same loaders, same batching)', async () => {
    for (const op of OPERATIONS) {
      const federated = await probe(stack.harness, configuration('A'), op, 10);
      const monolith = await probe(stack.harness, configuration('C'), op, 10);
      expect(monolith.sql, op.id).toEqual(federated.sql);
    }
  });

  it('O5 reads every line’s product in one catalog fetch and one statement, at N=1 as at N=10 (no N+1)', async () => {
    const costs = [];
    for (const n of [1, 10]) {
      const result = await probe(stack.harness, configuration('A'), operation('O5'), n);
      expect(result.problems).toEqual([]);
      costs.push({ sql: result.sql, fetches: result.subgraphFetches });
    }
    expect(costs[1]).toEqual(costs[0]);
    expect(costs[1]!.fetches).toMatchObject({ catalog: 1, users: 0 });
    expect(costs[1]!.sql).toMatchObject({ catalog: 1, users: 0 });
  });

  it('A with its response cache answers a repeated request from the cache with the same bytes', async () => {
    for (const op of OPERATIONS) {
      const first = await probe(stack.harness, configuration('A+cache'), op, 10);
      const again = await probe(stack.harness, configuration('A+cache'), op, 10);
      expect(again.problems).toEqual([]);
      expect(again.body).toBe(first.body);
      expect(again.subgraphFetches?.total, `${op.id} was not served from the cache`).toBe(0);
    }
  });

  it('no server tried to reach anything beyond loopback (no usage reporting, no cloud-metadata probes)', () => {
    expect(outbound()).toEqual([]);
  });
});
