import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { expressMiddleware } from '@as-integrations/express5';
import {
  INTERNAL_TOKEN_HEADER,
  verifyInternalToken,
  verifyStreamToken,
  type Identity,
} from '@supergraph/service-kit/auth';
import express from 'express';
import { parse } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

/**
 * Two small subgraphs of our own for the gateway's subscription tests, with no part of the gateway in them:
 * `live` owns orders and serves `type Subscription` over graphql-ws at its `/graphql` (the orders subgraph's
 * contract: the gateway's signed identity in connection_init, 4403 without it), fed by `publish`; `people`
 * resolves each order's owner, so every event needs a second subgraph.
 */
const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])\n`;

export const LIVE_SDL =
  LINK +
  `type Query { order(id: ID!): Order }
   type Subscription {
     orderUpdated(id: ID!): Order!
     myOrderUpdates: Order!
   }
   type Order @key(fields: "id") { id: ID! status: String! owner: Person! }
   type Person @key(fields: "id", resolvable: false) { id: ID! }`;

const PEOPLE_SDL =
  LINK +
  `type Query { person(id: ID!): Person }
   type Person @key(fields: "id") { id: ID! name: String! }`;

export interface OrderEvent {
  id: string;
  status: string;
  ownerId: string;
}

type Listener = (order: OrderEvent) => void;

/** An async iterator of the published orders `accept` lets through, ended by its consumer. */
function ordersWhere(listeners: Set<Listener>, accept: (order: OrderEvent) => boolean) {
  const queue: OrderEvent[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  const listener: Listener = (order) => {
    if (!accept(order)) return;
    queue.push(order);
    wake?.();
  };
  listeners.add(listener);
  const iterator: AsyncIterableIterator<{ order: OrderEvent }> = {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      for (;;) {
        const order = queue.shift();
        if (order) return { value: { order }, done: false };
        if (done) return { value: undefined, done: true };
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async return() {
      done = true;
      listeners.delete(listener);
      wake?.();
      return { value: undefined, done: true };
    },
  };
  return iterator;
}

export interface LiveSubgraphs {
  /** The supergraph file the gateway is pointed at. */
  path: string;
  liveUrl: string;
  peopleUrl: string;
  /** Sends an order update to every matching subscription of `live`; resolves once it was handed to them. */
  publish(order: OrderEvent): void;
  /** Names people resolve to. */
  names: Map<string, string>;
  /** connection_init payloads `live` accepted, and the close codes it refused with. */
  readonly accepted: Record<string, unknown>[];
  readonly refused: number;
  /** Subscriptions open on `live` now. */
  readonly listeners: number;
  /** Cuts every WebSocket of `live` (as a crashed process would) and stops listening. */
  crashLive(): Promise<void>;
  /** Serves `live` again on the same port. */
  restartLive(): Promise<void>;
  stopPeople(): Promise<void>;
  startPeople(): Promise<void>;
  /** Makes people answer nothing until the returned function is called (a slow subgraph). */
  holdPeople(): () => void;
  /** Writes a supergraph composed with `live`'s SDL replaced (for reload tests). */
  recompose(liveSdl: string): Promise<void>;
  stop(): Promise<void>;
}

interface Served {
  server: Server;
  port: number;
  sockets: WebSocketServer | undefined;
  close(): Promise<void>;
}

async function serve(
  apollo: ApolloServer<{ identity: Identity }>,
  port: number,
  websocket: ((wss: WebSocketServer) => void) | undefined,
  secret: string,
): Promise<Served> {
  const app = express();
  app.use(
    '/graphql',
    express.json(),
    expressMiddleware(apollo, {
      context: async ({ req }) => ({
        identity: await verifyInternalToken(req.headers[INTERNAL_TOKEN_HEADER] as string | undefined, secret),
      }),
    }),
  );
  const server = createServer(app);
  let sockets: WebSocketServer | undefined;
  if (websocket) {
    sockets = new WebSocketServer({ server, path: '/graphql' });
    websocket(sockets);
  }
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    sockets,
    close: async () => {
      for (const socket of sockets?.clients ?? []) socket.terminate();
      sockets?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function serveLiveSubgraphs(label: string, internalSecret: string): Promise<LiveSubgraphs> {
  const listeners = new Set<Listener>();
  const names = new Map<string, string>();
  const accepted: Record<string, unknown>[] = [];
  let refused = 0;
  let peopleHeld: Promise<void> = Promise.resolve();

  const liveSchema = buildSubgraphSchema({
    typeDefs: parse(LIVE_SDL),
    resolvers: {
      Query: { order: () => null },
      Subscription: {
        orderUpdated: {
          subscribe: (_: unknown, { id }: { id: string }, { identity }: { identity: Identity }) =>
            ordersWhere(
              listeners,
              (order) =>
                order.id === id && (identity?.role === 'ADMIN' || identity?.userId === order.ownerId),
            ),
          resolve: ({ order }: { order: OrderEvent }) => order,
        },
        myOrderUpdates: {
          subscribe: (_: unknown, __: unknown, { identity }: { identity: Identity }) =>
            ordersWhere(
              listeners,
              (order) => identity?.role === 'ADMIN' || identity?.userId === order.ownerId,
            ),
          resolve: ({ order }: { order: OrderEvent }) => order,
        },
      },
      Order: {
        __resolveReference: () => null,
        owner: (order: OrderEvent) => ({ id: order.ownerId }),
      },
    } as never,
  });
  const liveApollo = new ApolloServer<{ identity: Identity }>({
    schema: liveSchema,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await liveApollo.start();
  const peopleApollo = new ApolloServer<{ identity: Identity }>({
    schema: buildSubgraphSchema({
      typeDefs: parse(PEOPLE_SDL),
      resolvers: {
        Query: { person: (_: unknown, { id }: { id: string }) => ({ id }) },
        Person: {
          __resolveReference: ({ id }: { id: string }) => ({ id }),
          name: async ({ id }: { id: string }) => {
            await peopleHeld;
            return names.get(id) ?? 'Nobody';
          },
        },
      } as never,
    }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await peopleApollo.start();

  const websocket = (wss: WebSocketServer) =>
    useServer<Record<string, unknown> | undefined, { identity?: Identity }>(
      {
        schema: liveSchema,
        onConnect: async (ctx) => {
          try {
            ctx.extra.identity = await verifyStreamToken(
              ctx.connectionParams?.[INTERNAL_TOKEN_HEADER] as string | undefined,
              internalSecret,
            );
          } catch {
            refused += 1;
            return false;
          }
          accepted.push(ctx.connectionParams ?? {});
          return true;
        },
        context: (ctx) => ({ identity: ctx.extra.identity ?? null }),
        // As the orders subgraph does: when the event occurred, for the gateway's delivery latency.
        onNext: (_ctx, _id, _payload, _args, result) => ({
          ...result,
          errors: result.errors?.map((error) => error.toJSON()),
          extensions: { occurredAt: new Date().toISOString() },
        }),
      },
      wss,
    );

  let live = await serve(liveApollo, 0, websocket, internalSecret);
  let people = await serve(peopleApollo, 0, undefined, internalSecret);
  const liveUrl = `http://127.0.0.1:${live.port}/graphql`;
  const peopleUrl = `http://127.0.0.1:${people.port}/graphql`;
  const dir = await mkdtemp(join(tmpdir(), `${label}-`));
  const path = join(dir, 'supergraph.graphql');

  const recompose = async (liveSdl: string) => {
    const composed = composeServices([
      { name: 'live', url: liveUrl, typeDefs: parse(liveSdl) },
      { name: 'people', url: peopleUrl, typeDefs: parse(PEOPLE_SDL) },
    ]);
    if (composed.errors) throw new Error(composed.errors.map(String).join('\n'));
    await writeFile(path, composed.supergraphSdl);
  };
  await recompose(LIVE_SDL);

  return {
    path,
    liveUrl,
    peopleUrl,
    names,
    accepted,
    get refused() {
      return refused;
    },
    get listeners() {
      return listeners.size;
    },
    publish(order) {
      for (const listener of listeners) listener(order);
    },
    async crashLive() {
      await live.close();
    },
    async restartLive() {
      live = await serve(liveApollo, live.port, websocket, internalSecret);
    },
    async stopPeople() {
      await people.close();
    },
    async startPeople() {
      people = await serve(peopleApollo, people.port, undefined, internalSecret);
    },
    holdPeople() {
      let release = () => {};
      peopleHeld = new Promise((resolve) => (release = resolve));
      return release;
    },
    recompose,
    async stop() {
      await live.close();
      await people.close();
      await liveApollo.stop();
      await peopleApollo.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
