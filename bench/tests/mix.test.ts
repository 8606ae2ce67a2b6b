import { describe, expect, it } from 'vitest';
import { buildDataset, MIX_DATASET } from '../src/dataset.ts';
import { callersOf } from '../src/mix/callers.ts';
import { checkAnswer } from '../src/mix/load.ts';
import { checkPlaced, MIX_OPERATIONS, type MixOpId, type MixRequest } from '../src/mix/operations.ts';
import { placedOrderShape, placedOrderSpec } from '../src/mix/place-order.ts';
import { mixHeadline } from '../src/mix/report.ts';
import type { MixRun, MixSample } from '../src/mix/run.ts';
import { mixCycle } from '../src/mix/schedule.ts';
import { createMixSource } from '../src/mix/source.ts';
import { WriteLedger, type ReadBackOrder } from '../src/mix/writes.ts';

const dataset = buildDataset(MIX_DATASET);
const callers = callersOf(dataset);
const fresh = () => {
  const ledger = new WriteLedger(callers, dataset.orders);
  return { ledger, source: createMixSource(callers, ledger) };
};
const ok = (data: unknown) => ({ status: 200, body: JSON.stringify({ data }) });

describe('the mix’s weights', () => {
  it('are the issue’s: 35 / 20 / 15 / 10 admin lists / 10 / 5 / 5, adding up to 100', () => {
    const weight = (id: MixOpId) => MIX_OPERATIONS.find((op) => op.id === id)!.weight;
    expect(weight('myOrders')).toBe(35);
    expect(weight('orderById')).toBe(20);
    expect(weight('profile')).toBe(15);
    expect(weight('adminUsers') + weight('adminOrders')).toBe(10);
    expect(weight('placeOrder')).toBe(10);
    expect(weight('cancelOrder')).toBe(5);
    expect(weight('publicRead')).toBe(5);
  });

  it('hold exactly over any 100 consecutive requests of one connection', () => {
    const { source } = fresh();
    for (const connection of [0, 3, 49]) {
      const counts: Record<string, number> = {};
      for (let i = 0; i < 100; i += 1) {
        const { op } = source.next(connection);
        counts[op] = (counts[op] ?? 0) + 1;
      }
      expect(counts).toEqual(Object.fromEntries(MIX_OPERATIONS.map((op) => [op.id, op.weight])));
    }
  });

  it('start the connections at different places in the cycle', () => {
    const cycle = mixCycle(MIX_OPERATIONS);
    expect(cycle).toHaveLength(100);
    const { source } = fresh();
    const firsts = Array.from({ length: 10 }, (_, connection) => source.next(connection).op);
    expect(new Set(firsts).size).toBeGreaterThan(3);
  });
});

describe('the mix’s requests', () => {
  const draws = (op: MixOpId, count: number) => {
    const { source } = fresh();
    return Array.from({ length: count }, () => source.draw(op)!);
  };

  it('cycle through many distinct callers, each from the pool its operation allows', () => {
    const readers = new Set(callers.readers.map((user) => user.id));
    const writers = new Set(callers.writers.map((user) => user.id));
    const myOrders = draws('myOrders', 200);
    expect(new Set(myOrders.map((r) => r.caller!.id)).size).toBe(200);
    expect(myOrders.every((r) => readers.has(r.caller!.id))).toBe(true);
    expect(draws('orderById', 50).every((r) => readers.has(r.caller!.id))).toBe(true);
    expect(draws('placeOrder', 50).every((r) => writers.has(r.caller!.id))).toBe(true);
    expect(draws('cancelOrder', 50).every((r) => writers.has(r.caller!.id))).toBe(true);
    expect(draws('adminOrders', 20).every((r) => r.caller!.role === 'ADMIN')).toBe(true);
  });

  it('vary their variables: page sizes 5, 10 and 20, first and second pages', () => {
    const requests = draws('myOrders', 300);
    expect(new Set(requests.map((r) => r.variables['first']))).toEqual(new Set([5, 10, 20]));
    expect(requests.some((r) => r.variables['after'] === null)).toBe(true);
    expect(requests.some((r) => typeof r.variables['after'] === 'string')).toBe(true);
  });

  it('expect a caller’s own orders, newest first, and only theirs', () => {
    for (const request of draws('myOrders', 50)) {
      const own = callers.ordersOf(request.caller!.id).map((order) => order.id);
      const edges = (
        request.expected as { orders: { edges: { node: { id: string; user: { id: string } } }[] } }
      ).orders.edges;
      const start = request.variables['after'] ? 1 : 0;
      expect(edges.map((edge) => edge.node.id)).toEqual(
        own.slice(start, start + Number(request.variables['first'])),
      );
      expect(edges.every((edge) => edge.node.user.id === request.caller!.id)).toBe(true);
    }
  });

  it('never show an admin a page that a write could change', () => {
    for (const request of draws('adminOrders', 200)) {
      expect(request.variables['after']).toEqual(expect.any(String));
      const direct = request.direct[0]!.expected as {
        orders: { edges: { node: { user: { id: string } } }[] };
      };
      expect(direct.orders.edges.some((edge) => callers.isWriter(edge.node.user.id))).toBe(false);
    }
    for (const request of draws('adminUsers', 200)) {
      const users = (request.expected as { users: { edges: { node: { id: string } }[] } }).users.edges;
      expect(users.some((edge) => callers.isWriter(edge.node.id))).toBe(false);
    }
  });

  it('never cancel the same order twice', () => {
    const targets = draws('cancelOrder', 150).map((request) => request.cancels);
    expect(new Set(targets).size).toBe(150);
  });
  it('place orders by product id and quantity only, of products on sale in the order’s currency', () => {
    const products = new Map(dataset.products.map((product) => [product.id, product]));
    for (const request of draws('placeOrder', 60)) {
      const input = request.variables['input'] as {
        currency: string;
        items: { productId: string; quantity: number }[];
      };
      expect(input.items.every((item) => Object.keys(item).sort().join() === 'productId,quantity')).toBe(
        true,
      );
      expect(new Set(input.items.map((item) => item.productId)).size).toBe(input.items.length);
      for (const [index, item] of input.items.entries()) {
        const product = products.get(item.productId)!;
        expect(product.active).toBe(true);
        expect(product.currency).toBe(input.currency);
        // The answer and the ledger expect the catalog's name and price, not anything the client sent.
        expect(request.places!.lines[index]).toEqual({
          productId: product.id,
          sku: product.sku,
          name: product.name,
          quantity: item.quantity,
          unitPrice: product.priceAmount,
        });
      }
      const spec = request.places!;
      expect(spec.totalAmount).toBe(spec.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0));
    }
  });

  it('read the catalogue anonymously: active products oldest first, searched and paged as catalog does', () => {
    type Page = {
      products: {
        edges: { cursor: string; node: { id: string; sku: string; name: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const requests = draws('publicRead', 300);
    expect(requests.every((request) => request.caller === null)).toBe(true);
    expect(requests.some((request) => request.variables['search'] !== null)).toBe(true);
    expect(requests.some((request) => request.variables['after'] !== null)).toBe(true);
    const order = callers.listedProducts.map((product) => product.id);
    const archived = new Set(dataset.products.filter((p) => !p.active).map((p) => p.id));
    expect(archived.size).toBeGreaterThan(0);
    for (const request of requests) {
      const { edges, pageInfo } = (request.expected as Page).products;
      const search = request.variables['search'] as string | null;
      expect(edges.length).toBeLessThanOrEqual(Number(request.variables['first']));
      expect(edges.some((edge) => archived.has(edge.node.id))).toBe(false);
      // Oldest first: ascending positions in the catalogue (consecutive ones when nothing is searched).
      const positions = edges.map((edge) => order.indexOf(edge.node.id));
      const step = (position: number, i: number) => (i === 0 ? 1 : position - positions[i - 1]!);
      expect(
        positions.every((position, i) => (search ? step(position, i) > 0 : step(position, i) === 1)),
      ).toBe(true);
      if (search) {
        const needle = search.toLowerCase();
        for (const { node } of edges)
          expect(`${node.name}\n${node.sku}`.toLowerCase().includes(needle)).toBe(true);
      }
      if (edges.length) expect(pageInfo.endCursor).toBe(edges.at(-1)!.cursor);
      // B asks the catalog itself, for the very same answer.
      expect(request.direct).toEqual([
        expect.objectContaining({ subgraph: 'catalog', expected: request.expected }),
      ]);
    }
    const unsearchedFirstPage = requests.find(
      (request) => request.variables['search'] === null && request.variables['after'] === null,
    )!;
    const firstIds = (unsearchedFirstPage.expected as Page).products.edges.map((edge) => edge.node.id);
    expect(firstIds).toEqual(order.slice(0, Number(unsearchedFirstPage.variables['first'])));
  });
});

describe('checking an answer', () => {
  const request = (op: MixOpId): MixRequest => fresh().source.draw(op)!;

  it('accepts exactly the expected data, byte for byte or in any key order', () => {
    const { expected } = request('orderById');
    expect(checkAnswer(ok(expected), expected, undefined).problems).toEqual([]);
    const reordered = JSON.stringify({
      data: JSON.parse(JSON.stringify(expected), (_key, value: unknown) =>
        value && typeof value === 'object' && !Array.isArray(value)
          ? Object.fromEntries(Object.entries(value).reverse())
          : value,
      ),
    });
    expect(checkAnswer({ status: 200, body: reordered }, expected, undefined).problems).toEqual([]);
  });

  it('refuses another caller’s data, errors and failed requests', () => {
    const mine = request('profile');
    const source = fresh().source;
    source.draw('profile');
    const someoneElse = source.draw('profile')!;
    expect(someoneElse.caller!.id).not.toBe(mine.caller!.id);
    expect(checkAnswer(ok(someoneElse.expected), mine.expected, undefined).problems).not.toEqual([]);
    const withErrors = {
      status: 200,
      body: JSON.stringify({ data: mine.expected, errors: [{ message: 'x' }] }),
    };
    expect(checkAnswer(withErrors, mine.expected, undefined).problems).not.toEqual([]);
    expect(checkAnswer({ status: 500, body: '' }, mine.expected, undefined).problems).toEqual(['HTTP 500']);
  });

  it('accepts a placed order with a fresh id, PENDING, the lines sent and their total', () => {
    const spec = placedOrderSpec(7, callers.listedProducts);
    const placed = {
      id: '0b7c1a4e-1111-4000-8000-000000000001',
      status: 'PENDING',
      ...placedOrderShape(spec),
    };
    const checked = checkPlaced({ placeOrder: placed }, 'placeOrder', 'owner', spec);
    expect(checked).toEqual({
      problems: [],
      outcome: { kind: 'placed', orderId: placed.id, owner: 'owner', spec },
    });
    const wrongTotal = { ...placed, total: { amount: spec.totalAmount + 1, currency: spec.currency } };
    expect(checkPlaced({ placeOrder: wrongTotal }, 'placeOrder', 'owner', spec).problems).not.toEqual([]);
    expect(
      checkPlaced({ placeOrder: { ...placed, status: 'PAID' } }, 'placeOrder', 'owner', spec).problems,
    ).not.toEqual([]);
  });
});

describe('reading the writes back', () => {
  const readBackOf = (overrides: Map<string, Partial<ReadBackOrder>> = new Map()): ReadBackOrder[] =>
    dataset.orders.map((order) => ({
      id: order.id,
      status: order.status,
      user: { id: order.userId },
      total: { amount: order.totalAmount, currency: order.currency },
      items: order.items.map((item) => ({
        sku: item.sku,
        name: item.name,
        quantity: item.quantity,
        unitPrice: { amount: item.unitPrice },
        product: { id: item.productId },
      })),
      ...overrides.get(order.id),
    }));
  const placedRow = (
    id: string,
    owner: string,
    seq: number,
    status: ReadBackOrder['status'] = 'PENDING',
  ) => ({
    id,
    status,
    user: { id: owner },
    ...placedOrderShape(placedOrderSpec(seq, callers.listedProducts)),
  });
  const writer = callers.writers[0]!.id;

  it('passes when every answered write is there and nothing else changed', () => {
    const ledger = new WriteLedger(callers, dataset.orders);
    const target = ledger.takeCancellable()!;
    ledger.answered(ledger.sent({ kind: 'cancel', id: target.id }), {
      kind: 'cancelled',
      orderId: target.id,
    });
    const spec = placedOrderSpec(1, callers.listedProducts);
    const placedId = 'aaaaaaaa-0000-4000-8000-000000000001';
    ledger.answered(ledger.sent({ kind: 'place', owner: writer, spec }), {
      kind: 'placed',
      orderId: placedId,
      owner: writer,
      spec,
    });
    const rows = [
      ...readBackOf(new Map([[target.id, { status: 'CANCELLED' as const }]])),
      placedRow(placedId, writer, 1),
    ];
    expect(ledger.verify(rows)).toEqual([]);
  });

  it('finds a lost placement, a cancellation that did not happen and an order nobody placed', () => {
    const ledger = new WriteLedger(callers, dataset.orders);
    const target = ledger.takeCancellable()!;
    ledger.answered(ledger.sent({ kind: 'cancel', id: target.id }), {
      kind: 'cancelled',
      orderId: target.id,
    });
    const spec = placedOrderSpec(2, callers.listedProducts);
    ledger.answered(ledger.sent({ kind: 'place', owner: writer, spec }), {
      kind: 'placed',
      orderId: 'aaaaaaaa-0000-4000-8000-000000000002',
      owner: writer,
      spec,
    });
    const stranger = placedRow('bbbbbbbb-0000-4000-8000-000000000003', writer, 3);
    const problems = ledger.verify([...readBackOf(), stranger]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`seeded order ${target.id} is`),
        expect.stringContaining('placed order aaaaaaaa-0000-4000-8000-000000000002 is missing'),
        expect.stringContaining('order bbbbbbbb-0000-4000-8000-000000000003 was never placed'),
      ]),
    );
  });

  it('accepts either outcome of a write whose answer never came', () => {
    for (const happened of [true, false]) {
      const ledger = new WriteLedger(callers, dataset.orders);
      const target = ledger.takeCancellable()!;
      ledger.sent({ kind: 'cancel', id: target.id });
      ledger.sent({ kind: 'place', owner: writer, spec: placedOrderSpec(4, callers.listedProducts) });
      ledger.abandonInFlight();
      const rows = happened
        ? [
            ...readBackOf(new Map([[target.id, { status: 'CANCELLED' as const }]])),
            placedRow('cccccccc-0000-4000-8000-000000000004', writer, 4),
          ]
        : readBackOf();
      expect(ledger.verify(rows)).toEqual([]);
    }
  });
});

describe('the mix’s headline', () => {
  const sample = (
    config: MixSample['config'],
    round: number,
    rps: number,
    gatewayCpu: number,
    p50 = 10,
    p99 = 25,
  ): MixSample => ({
    config,
    round,
    elapsedMs: 1_000,
    sent: rps,
    requestsPerSecond: rps,
    latencyMs: { p50, p95: p99, p99, max: p99 },
    errors: { total: 0, non200: 0, wrongBody: 0, connectionErrors: 0, timeouts: 0 },
    perOp: {},
    badResponses: [],
    settled: true,
    cpuMsPerRequest: { gateway: gatewayCpu, subgraphs: 1, total: gatewayCpu + 1, loadGenerator: 0.1 },
    subgraphFetchesPerRequest: 1.7,
    sqlPerRequest: 2.9,
  });

  it('divides per round, then takes the median over rounds', () => {
    const samples = [1, 2, 3].flatMap((round) => [
      sample('A', round, 100 * round, 1, 10, 20 + round * 5),
      sample('D', round, 50 * round, [2, 3, 4][round - 1]!),
      sample('D-rust', round, 100 * round, 1.5),
      sample('E', round, 80 * round, 1.2),
      sample('B', round, 200 * round, 0),
    ]);
    const run = { database: 'postgres', samples } as unknown as MixRun;
    const headline = mixHeadline(run);
    expect(headline.mixCpuVsHive.value).toBe(3);
    expect(headline.mixCpuVsHive.spread).toEqual({ min: 2, max: 4 });
    expect(headline.mixCpuVsHiveRust.value).toBe(1.5);
    expect(headline.mixCpuVsBareApollo.value).toBe(1.2);
    expect(headline.mixThroughputVsHive.value).toBe(2);
    expect(headline.mixGatewayTax.value).toBe(0.5);
    expect(headline.mixP99OverP50.value).toBe(3);
  });

  it('is null, never guessed, when a configuration was not measured', () => {
    const run = { database: 'pglite', samples: [sample('A', 1, 100, 1)] } as unknown as MixRun;
    expect(mixHeadline(run).mixCpuVsHive.value).toBeNull();
    expect(mixHeadline(undefined).mixGatewayTax.value).toBeNull();
  });
});
