import { setTimeout as sleep } from 'node:timers/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { bearerHeaders, benchSecrets } from '../auth.ts';
import type { SubgraphName } from '../configurations.ts';
import { createBenchDatabases } from '../databases.ts';
import { buildDataset, type DatasetOptions } from '../dataset.ts';
import { spawnServer, type ServerProcess } from '../process/pool.ts';
import { quantile, round } from '../stats.ts';
import { changesOf, type Change } from './plan.ts';

/** 120 users with 20 to 22 orders each: 1,890 status changes available (PENDING → PAID → SHIPPED). */
const SCENARIO_DATASET: DatasetOptions = { users: 120, minOrdersPerUser: 20 };

const SUBSCRIPTION = 'subscription MyOrderUpdates { myOrderUpdates { id status user { name } } }';
const SET_STATUS =
  'mutation SetOrderStatus($id: ID!, $status: OrderStatus!) { setOrderStatus(id: $id, status: $status) { id status } }';

export interface SubscriptionScenarioOptions {
  subscribers: number;
  changesPerSecond: number;
  seconds: number;
  logLevel: string;
  databaseUrl: string | undefined;
  log: (line: string) => void;
}

export interface SubscriptionScenarioResult {
  subscribers: number;
  customers: number;
  changesPerSecond: number;
  seconds: number;
  changesMade: number;
  changesFailed: number;
  expectedDeliveries: number;
  delivered: number;
  lost: number;
  /** Updates beyond the changes made (a change the gateway timed out on may still have been committed). */
  extra: number;
  /** From the mutation's answer (its commit happened before) to the subscriber's receipt, ms. */
  latencyFromAnswerMs: { p50: number | null; p99: number | null; max: number | null };
  /** From the mutation's request being sent (an upper bound of commit → client), ms. */
  latencyFromSendMs: { p50: number | null; p99: number | null; max: number | null };
  gateway: {
    rssIdleMb: number | null;
    rssSubscribedMb: number | null;
    rssEndMb: number | null;
    rssAddedPer1000Mb: number | null;
    cpuSecondsDuringRun: number | null;
  };
  /** CPU the subgraphs spent while statuses changed (and their updates were delivered). */
  subgraphCpuSecondsDuringRun: { users: number | null; orders: number | null };
  database: 'postgres' | 'pglite';
  cpus: number;
  loadAverage: number[];
}

interface Subscriber {
  client: Client;
  ownerId: string;
  /** `${orderId}:${status}` → when it arrived (performance.now()). */
  /** Order id → when each of its updates arrived (performance.now()), in order. */
  received: Map<string, number[]>;
  stop: () => void;
}

const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

/**
 * `subscribers` graphql-ws clients on one gateway (each its own WebSocket, as browsers have), spread over
 * the dataset's customers, each subscribed to `myOrderUpdates { id status user { name } }`; an admin then
 * moves orders along their lifecycle through the gateway at `changesPerSecond` for `seconds`. Every change
 * must reach every subscriber of its owner: lost deliveries, latency, and the gateway's memory per
 * subscriber are what it reports. Real servers, each in its own process; orders tails its outbox.
 */
export async function runSubscriptionScenario(
  options: SubscriptionScenarioOptions,
): Promise<SubscriptionScenarioResult> {
  const { log } = options;
  const secrets = benchSecrets();
  const dataset = buildDataset(SCENARIO_DATASET);
  const changes = changesOf(dataset);
  const customers = dataset.users.filter((user) => user.role === 'CUSTOMER');
  const measured = Math.round(options.changesPerSecond * options.seconds);
  if (customers.length + measured > changes.length) {
    throw new Error(
      `the scenario's dataset allows ${changes.length} status changes; ${customers.length} priming + ${measured} measured asked`,
    );
  }
  const databases = await createBenchDatabases(options.databaseUrl, 'subscriptions');
  const logDir = join(tmpdir(), `bench-subscriptions-${Date.now()}`);
  const servers: ServerProcess[] = [];
  const subscribers: Subscriber[] = [];
  try {
    const subgraph = (name: SubgraphName) => ({
      name,
      secrets,
      database: databases[name],
      seed: SCENARIO_DATASET,
      nodeEnv: 'production' as const,
      logLevel: options.logLevel,
      // Without a broker orders follows its own outbox: every 25 ms here, so that its poll (100 ms by
      // default) is not most of what is measured (docs/subgraph-subscriptions.md).
      ...(name === 'orders' ? { env: { SUBSCRIPTIONS_OUTBOX_POLL_MS: '25' } } : {}),
    });
    log('subscriptions: starting users, orders, catalog and the gateway');
    const spawn = (name: SubgraphName) =>
      spawnServer(`subs-${name}`, { server: name, subgraph: subgraph(name) }, { logDir });
    // catalog serves no part of the subscription: it runs because the gateway serves the whole graph.
    const [users, orders, catalog] = await Promise.all([spawn('users'), spawn('orders'), spawn('catalog')]);
    servers.push(users, orders, catalog);
    const gateway = await spawnServer(
      'subs-gateway',
      {
        server: 'gateway-ours',
        gateway: {
          secrets,
          subgraphUrls: { users: users.url, orders: orders.url, catalog: catalog.url },
          logLevel: options.logLevel,
          identity: null,
          internalTokenHeader: 'x-internal-token',
          cacheEnv: {},
        },
      },
      { logDir },
    );
    servers.push(gateway);

    const admin = await bearerHeaders(secrets, { userId: dataset.admin.id, role: 'ADMIN' });
    const setStatus = async (change: Change) => {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...admin },
        body: JSON.stringify({ query: SET_STATUS, variables: { id: change.orderId, status: change.status } }),
      });
      const body = (await response.json()) as { errors?: unknown[] };
      if (!response.ok || body.errors) throw new Error(JSON.stringify(body.errors ?? response.status));
    };
    // Warm the gateway's plans and the subgraphs' connections before measuring its idle memory.
    for (let i = 0; i < 20; i++) {
      await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...admin },
        body: JSON.stringify({ query: '{ me { name orders(first: 5) { edges { node { status } } } } }' }),
      });
    }
    await sleep(1_000);
    const idle = await gateway.stats();

    log(`subscriptions: opening ${options.subscribers} graphql-ws subscriptions`);
    const tokens = new Map<string, string>();
    for (const customer of customers) {
      const { authorization } = await bearerHeaders(secrets, { userId: customer.id, role: 'CUSTOMER' });
      tokens.set(customer.id, authorization!);
    }
    for (let index = 0; index < options.subscribers; index++) {
      const owner = customers[index % customers.length]!;
      const client = createClient({
        url: gateway.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { Authorization: tokens.get(owner.id)! },
      });
      const subscriber: Subscriber = {
        client,
        ownerId: owner.id,
        received: new Map(),
        stop: () => {},
      };
      subscriber.stop = client.subscribe<{ myOrderUpdates: { id: string; status: string } }>(
        { query: SUBSCRIPTION },
        {
          next: ({ data }) => {
            if (!data) return;
            // Counted per order, not per status: orders reads the order when it handles the event, so an
            // update may already show a later status (docs/subgraph-subscriptions.md) — it is still delivered.
            const { id } = data.myOrderUpdates;
            subscriber.received.set(id, [...(subscriber.received.get(id) ?? []), performance.now()]);
          },
          error: (error) => log(`subscriptions: a subscription failed: ${JSON.stringify(error)}`),
          complete: () => {},
        },
      );
      subscribers.push(subscriber);
      // Opened in small bursts, as real clients arrive: not 1,000 handshakes in one tick.
      if (index % 50 === 49) await sleep(20);
    }
    const byOwner = new Map<string, Subscriber[]>();
    for (const subscriber of subscribers) {
      byOwner.set(subscriber.ownerId, [...(byOwner.get(subscriber.ownerId) ?? []), subscriber]);
    }

    // Priming: one change per customer, until each of their subscribers has it — every subscription is live.
    const priming = changes.slice(0, customers.length);
    /** Updates each subscriber had of each order before a batch: what the batch's are counted after. */
    const snapshot = () =>
      new Map(subscribers.map((one) => [one, new Map([...one.received].map(([id, at]) => [id, at.length]))]));
    const missingOf = (batch: readonly Change[], before: ReturnType<typeof snapshot>) => {
      const perOrder = new Map<string, { ownerId: string; changes: number }>();
      for (const change of batch) {
        const entry = perOrder.get(change.orderId) ?? { ownerId: change.ownerId, changes: 0 };
        entry.changes += 1;
        perOrder.set(change.orderId, entry);
      }
      let missing = 0;
      for (const [orderId, { ownerId, changes }] of perOrder) {
        for (const subscriber of byOwner.get(ownerId) ?? []) {
          const had = before.get(subscriber)?.get(orderId) ?? 0;
          const got = (subscriber.received.get(orderId)?.length ?? 0) - had;
          missing += Math.max(0, changes - got);
        }
      }
      return missing;
    };
    const waitFor = async (
      batch: readonly Change[],
      before: ReturnType<typeof snapshot>,
      timeoutMs: number,
    ) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const missing = missingOf(batch, before);
        if (missing === 0 || Date.now() > deadline) return missing;
        await sleep(100);
      }
    };
    // Every subscription must have reached orders (its gauge says so) before anything changes.
    const metricsUrl = orders.url.replace(/\/graphql$/, '/metrics');
    const atOrders = async () => {
      const text = await (await fetch(metricsUrl)).text();
      return [...text.matchAll(/^subgraph_subscriptions_active(?:\{[^}]*\})? (\d+)/gm)].reduce(
        (sum, match) => sum + Number(match[1]),
        0,
      );
    };
    const subscribedBy = Date.now() + 120_000;
    let holding = await atOrders();
    while (holding < options.subscribers) {
      if (Date.now() > subscribedBy) throw new Error(`orders holds ${holding} of the subscriptions`);
      await sleep(200);
      holding = await atOrders();
    }
    log(`subscriptions: orders holds all ${holding}`);
    const beforePriming = snapshot();
    for (const change of priming) await setStatus(change);
    const notPrimed = await waitFor(priming, beforePriming, 30_000);
    if (notPrimed > 0) throw new Error(`${notPrimed} priming deliveries never arrived`);
    await sleep(1_000);
    const subscribed = await gateway.stats();
    const cpuOf = (stats: Awaited<ReturnType<ServerProcess['stats']>>) => stats.cpuUserUs + stats.cpuSystemUs;
    const subgraphsBefore = await Promise.all([users.stats(), orders.stats()]);
    log(`subscriptions: all live; ${measured} changes at ${options.changesPerSecond}/s`);

    const run = changes.slice(customers.length, customers.length + measured);
    const beforeRun = snapshot();
    const sentAt = new Map<Change, number>();
    const answeredAt = new Map<Change, number>();
    let failed = 0;
    const started = performance.now();
    const interval = 1_000 / options.changesPerSecond;
    const inFlight: Promise<void>[] = [];
    for (const [index, change] of run.entries()) {
      const due = started + index * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      sentAt.set(change, performance.now());
      inFlight.push(
        setStatus(change).then(
          () => void answeredAt.set(change, performance.now()),
          (error: unknown) => {
            failed += 1;
            log(`subscriptions: a change failed: ${String(error).slice(0, 200)}`);
          },
        ),
      );
    }
    await Promise.all(inFlight);
    const answered = run.filter((change) => answeredAt.has(change));
    await waitFor(answered, beforeRun, 10_000);
    const end = await gateway.stats();
    const subgraphsAfter = await Promise.all([users.stats(), orders.stats()]);
    const subgraphCpu = (index: number) =>
      round((cpuOf(subgraphsAfter[index]!) - cpuOf(subgraphsBefore[index]!)) / 1e6, 2);

    const fromAnswer: number[] = [];
    const fromSend: number[] = [];
    let expected = 0;
    let delivered = 0;
    let extra = 0;
    // The n-th update of an order after the run began answers the n-th change of it that was made.
    const changesOfOrder = new Map<string, Change[]>();
    for (const change of answered) {
      changesOfOrder.set(change.orderId, [...(changesOfOrder.get(change.orderId) ?? []), change]);
    }
    for (const [orderId, made] of changesOfOrder) {
      for (const subscriber of byOwner.get(made[0]!.ownerId) ?? []) {
        const had = beforeRun.get(subscriber)?.get(orderId) ?? 0;
        const updates = (subscriber.received.get(orderId) ?? []).slice(had);
        expected += made.length;
        delivered += Math.min(made.length, updates.length);
        extra += Math.max(0, updates.length - made.length);
        made.forEach((change, index) => {
          const at = updates[index];
          if (at === undefined) return;
          fromAnswer.push(at - answeredAt.get(change)!);
          fromSend.push(at - sentAt.get(change)!);
        });
      }
    }
    const summary = (values: number[]) => ({
      p50: values.length ? round(quantile(values, 0.5), 1) : null,
      p99: values.length ? round(quantile(values, 0.99), 1) : null,
      max: values.length ? round(Math.max(...values), 1) : null,
    });
    const cpuSeconds =
      (end.cpuUserUs + end.cpuSystemUs - subscribed.cpuUserUs - subscribed.cpuSystemUs) / 1e6;
    const result: SubscriptionScenarioResult = {
      subscribers: options.subscribers,
      customers: customers.length,
      changesPerSecond: options.changesPerSecond,
      seconds: options.seconds,
      changesMade: run.length - failed,
      changesFailed: failed,
      expectedDeliveries: expected,
      delivered,
      lost: expected - delivered,
      extra,
      latencyFromAnswerMs: summary(fromAnswer),
      latencyFromSendMs: summary(fromSend),
      gateway: {
        rssIdleMb: mb(idle.rssBytes),
        rssSubscribedMb: mb(subscribed.rssBytes),
        rssEndMb: mb(end.rssBytes),
        rssAddedPer1000Mb: mb(((subscribed.rssBytes - idle.rssBytes) * 1_000) / options.subscribers),
        cpuSecondsDuringRun: round(cpuSeconds, 2),
      },
      subgraphCpuSecondsDuringRun: { users: subgraphCpu(0), orders: subgraphCpu(1) },
      database: databases.kind,
      cpus: os.cpus().length,
      loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
    };
    return result;
  } finally {
    for (const subscriber of subscribers) subscriber.stop();
    await Promise.all(
      subscribers.map((subscriber) => Promise.resolve(subscriber.client.dispose()).catch(() => {})),
    );
    for (const server of servers.reverse()) await server.stop().catch(() => {});
    await databases.drop();
  }
}

/** The scenario's lines in the results' Markdown. */
export function subscriptionMarkdown(result: SubscriptionScenarioResult): string {
  const { gateway } = result;
  return [
    '## Subscriptions',
    '',
    `${result.subscribers} graphql-ws subscribers (one WebSocket each, over ${result.customers} customers, ` +
      `\`myOrderUpdates { id status user { name } }\`) on one gateway; an admin changes ${result.changesPerSecond} ` +
      `order statuses per second for ${result.seconds} s through the gateway (${result.database}; orders reads its ` +
      'outbox every 25 ms). Load average at the end: ' +
      `${result.loadAverage.join(', ')} (${result.cpus} CPUs, shared).`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| status changes made (failed) | ${result.changesMade} (${result.changesFailed}) |`,
    `| deliveries expected / delivered | ${result.expectedDeliveries} / ${result.delivered} |`,
    `| **lost deliveries** | **${result.lost}** (updates beyond the changes made: ${result.extra}) |`,
    `| **p99 latency, mutation answered → client** | **${result.latencyFromAnswerMs.p99} ms** (p50 ${result.latencyFromAnswerMs.p50}, max ${result.latencyFromAnswerMs.max}) |`,
    `| p99 latency, mutation sent → client (upper bound of commit → client) | ${result.latencyFromSendMs.p99} ms (p50 ${result.latencyFromSendMs.p50}, max ${result.latencyFromSendMs.max}) |`,
    `| gateway RSS idle → ${result.subscribers} subscribed → end | ${gateway.rssIdleMb} → ${gateway.rssSubscribedMb} → ${gateway.rssEndMb} MB |`,
    `| **gateway RSS added per 1,000 subscribers** | **${gateway.rssAddedPer1000Mb} MB** |`,
    `| CPU during the run: gateway, users, orders | ${gateway.cpuSecondsDuringRun}, ${result.subgraphCpuSecondsDuringRun.users}, ${result.subgraphCpuSecondsDuringRun.orders} s in ${result.seconds} s |`,
    '',
  ].join('\n');
}
