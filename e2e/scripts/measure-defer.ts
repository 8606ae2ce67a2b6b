// A one-off measurement for docs/defer.md, not a test (no timing is ever asserted): the whole stack in this
// process, orders answering 200 ms late. Prints medians and ratios side by side.
//   npm run measure:defer -w @supergraph/e2e   (Node 24; PostgreSQL is not needed, the stack uses PGlite)
import { setTimeout as sleep } from 'node:timers/promises';
import { graphql } from '@supergraph/testing';
import { postDeferred } from '@supergraph/testing/incremental';
import { startStack } from '../tests/stack.ts';

const ORDERS_DELAY_MS = 200;
const ROUNDS = 15;
const THROUGHPUT_SECONDS = 1.5;
const THROUGHPUT_PAIRS = 10;
const CONCURRENCY = 8;

const DEFERRED = `{ me { name ... @defer { orders(first: 10) { edges { node { status user { name } } } } } } }`;
const PLAIN = '{ me { name orders(first: 10) { edges { node { status user { name } } } } } }';
const DEFERS_NOTHING = `query ($later: Boolean! = false) { me { name ... @defer(if: $later) { email } } }`;
// The same document with @skip in @defer's place: the same shape, a directive with the same variable.
const NO_DEFER = 'query ($later: Boolean! = false) { me { name ... @skip(if: $later) { email } } }';

const stack = await startStack('measure_defer', { gateway: { RATE_LIMIT_POINTS: '100000000' } });
try {
  const token = await stack.logIn('grace@example.com');
  const headers = { authorization: `Bearer ${token}` };
  let delayed = true;
  stack.intercept('orders', async (req) => {
    if (delayed && req.url?.startsWith('/graphql')) await sleep(ORDERS_DELAY_MS);
    return false;
  });

  const firstPayload: number[] = [];
  const deferredFull: number[] = [];
  const plainFull: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = performance.now();
    let first = 0;
    await postDeferred({
      url: stack.gatewayUrl,
      query: DEFERRED,
      headers,
      onPayload: () => void (first ||= performance.now() - started),
    });
    firstPayload.push(first);
    deferredFull.push(performance.now() - started);
    const plainStarted = performance.now();
    await graphql(stack.gatewayUrl, PLAIN, {}, headers);
    plainFull.push(performance.now() - plainStarted);
  }
  delayed = false;

  // Requests completed by CONCURRENCY loops in THROUGHPUT_SECONDS; A and B alternate to share the noise.
  // Also CPU time per request of this process (client, gateway and subgraphs all run in it): less disturbed
  // than wall-clock throughput by the other processes on the machine.
  const cpuPerRequest: Record<'with' | 'without', number[]> = { with: [], without: [] };
  const throughput = async (send: () => Promise<unknown>, kind?: 'with' | 'without') => {
    const until = performance.now() + THROUGHPUT_SECONDS * 1000;
    const cpu = process.cpuUsage();
    let done = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < until) {
          await send();
          done += 1;
        }
      }),
    );
    const used = process.cpuUsage(cpu);
    if (kind) cpuPerRequest[kind].push((used.user + used.system) / done);
    return done / THROUGHPUT_SECONDS;
  };
  const withDefer = () => postDeferred({ url: stack.gatewayUrl, query: DEFERS_NOTHING, headers });
  const withoutDefer = () => postDeferred({ url: stack.gatewayUrl, query: NO_DEFER, headers });
  await throughput(withDefer); // warm-up: plans, JIT
  await throughput(withoutDefer);
  // The machine is shared and noisy: each pair runs back to back, and the ratio is taken per pair.
  const ratios: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  for (let pair = 0; pair < THROUGHPUT_PAIRS; pair += 1) {
    const [first, second] = pair % 2 === 0 ? [withoutDefer, withDefer] : [withDefer, withoutDefer];
    const kinds = pair % 2 === 0 ? (['without', 'with'] as const) : (['with', 'without'] as const);
    const firstRate = await throughput(first, kinds[0]);
    const secondRate = await throughput(second, kinds[1]);
    const [without, withIt] = pair % 2 === 0 ? [firstRate, secondRate] : [secondRate, firstRate];
    a.push(without);
    b.push(withIt);
    ratios.push(withIt / without);
  }
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  console.log(`orders delayed by ${ORDERS_DELAY_MS} ms, ${ROUNDS} rounds, medians:`);
  console.log(
    `  @defer on : first payload ${ms(median(firstPayload))}, full response ${ms(median(deferredFull))}`,
  );
  console.log(`  @defer off: full response ${ms(median(plainFull))}`);
  console.log(
    `  first payload / response without @defer: ${(median(firstPayload) / median(plainFull)).toFixed(2)}`,
  );
  console.log(
    `throughput, ${CONCURRENCY} concurrent, ${THROUGHPUT_PAIRS} pairs of ${THROUGHPUT_SECONDS} s (req/s, median):`,
  );
  console.log(`  ${NO_DEFER}: ${median(a).toFixed(0)}`);
  console.log(`  same with @defer(if: false) (defers nothing): ${median(b).toFixed(0)}`);
  console.log(`  ratio (median of per-pair ratios): ${median(ratios).toFixed(3)}`);
  const withCpu = median(cpuPerRequest.with);
  const withoutCpu = median(cpuPerRequest.without);
  console.log(
    `CPU per request (µs, median): without ${withoutCpu.toFixed(0)}, with @defer(if: false) ${withCpu.toFixed(0)}, ratio ${(withCpu / withoutCpu).toFixed(3)}`,
  );
  console.log(`  per-pair ratios: ${ratios.map((ratio) => ratio.toFixed(2)).join(' ')}`);
} finally {
  await stack.close();
}
