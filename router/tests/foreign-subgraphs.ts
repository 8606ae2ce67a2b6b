import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

/**
 * Five subgraphs that have nothing to do with this repository, written the way a third party would: plain
 * Apollo subgraphs on their own HTTP servers, without `/health/ready`, covering the federation features a
 * gateway must plan for — entities across subgraphs, `@requires`, `@provides`, an interface entity
 * (`@interfaceObject`), `@override` and `@inaccessible`.
 */
const LINK = (imports: string[]) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ${JSON.stringify(imports)})\n`;

const products = [
  { upc: 'p1', name: 'Table', price: 899, weight: 1_000, internalCode: 'T-1' },
  { upc: 'p2', name: 'Couch', price: 1_299, weight: 5_000, internalCode: 'C-2' },
  { upc: 'p3', name: 'Chair', price: 54, weight: 50, internalCode: 'C-3' },
];
const users = [
  { id: 'u1', username: 'ada', name: 'Ada Lovelace' },
  { id: 'u2', username: 'alan', name: 'Alan Turing' },
];
const reviews = [
  { id: 'r1', body: 'Love it', authorId: 'u1', upc: 'p1', mediaId: null },
  { id: 'r2', body: 'Too heavy', authorId: 'u2', upc: 'p2', mediaId: null },
  { id: 'r3', body: 'Sturdy', authorId: 'u2', upc: 'p1', mediaId: null },
  { id: 'r4', body: 'A classic', authorId: 'u1', upc: null, mediaId: 'm1' },
];
const media = [
  { id: 'm1', __typename: 'Book', title: 'Dune', author: 'Frank Herbert' },
  { id: 'm2', __typename: 'Movie', title: 'Alien', director: 'Ridley Scott' },
];

const byKey =
  <T, K extends keyof T>(rows: readonly T[], key: K) =>
  (value: T[K]) =>
    rows.find((row) => row[key] === value) ?? null;

// @apollo/subgraph does not export its resolver-map type from its entry point.
type SubgraphResolvers = Extract<
  Parameters<typeof buildSubgraphSchema>[0],
  { typeDefs: unknown }
>['resolvers'];

interface ForeignSubgraph {
  name: string;
  sdl: string;
  resolvers: SubgraphResolvers;
}

const productOf = byKey(products, 'upc');
const userOf = byKey(users, 'id');
type Ref<K extends string> = Record<K, string>;

export const FOREIGN_SUBGRAPHS: readonly ForeignSubgraph[] = [
  {
    name: 'products',
    sdl:
      LINK(['@key', '@inaccessible', '@shareable']) +
      `type Query { topProducts(first: Int = 5): [Product!]! }
       type Product @key(fields: "upc") {
         upc: String!
         name: String!
         price: Int!
         weight: Int!
         internalCode: String @inaccessible
         "Moved to reviews (@override there): this subgraph's answer must never be used."
         reviewCount: Int! @shareable
       }`,
    resolvers: {
      Query: { topProducts: (_: unknown, { first }: { first: number }) => products.slice(0, first) },
      Product: {
        __resolveReference: ({ upc }: Ref<'upc'>) => productOf(upc),
        reviewCount: () => -1,
      },
    },
  },
  {
    name: 'inventory',
    sdl:
      LINK(['@key', '@external', '@requires']) +
      `type Product @key(fields: "upc") {
         upc: String!
         price: Int! @external
         weight: Int! @external
         inStock: Boolean!
         "Free over 1000, else half a cent per gram: needs the product's price and weight (@requires)."
         shippingEstimate: Int! @requires(fields: "price weight")
       }`,
    resolvers: {
      Product: {
        __resolveReference: (reference: { upc: string; price?: number; weight?: number }) => reference,
        inStock: ({ upc }: Ref<'upc'>) => upc !== 'p2',
        shippingEstimate: ({ price, weight }: { price: number; weight: number }) =>
          price > 1_000 ? 0 : Math.round(weight / 2),
      },
    },
  },
  {
    name: 'accounts',
    sdl:
      LINK(['@key', '@shareable']) +
      `type Query { users: [User!]! }
       type User @key(fields: "id") {
         id: ID!
         username: String! @shareable
         name: String!
       }`,
    resolvers: {
      Query: { users: () => users },
      User: { __resolveReference: ({ id }: Ref<'id'>) => userOf(id) },
    },
  },
  {
    name: 'reviews',
    sdl:
      LINK(['@key', '@external', '@provides', '@override', '@interfaceObject']) +
      `type Query { reviews: [Review!]! }
       type Review {
         id: ID!
         body: String!
         "The author's username comes with the review (@provides): no trip to accounts for it."
         author: User! @provides(fields: "username")
         product: Product
       }
       type User @key(fields: "id") {
         id: ID!
         username: String! @external
         reviews: [Review!]!
       }
       type Product @key(fields: "upc") {
         upc: String!
         reviews: [Review!]!
         reviewCount: Int! @override(from: "products")
       }
       type Media @key(fields: "id") @interfaceObject {
         id: ID!
         reviews: [Review!]!
       }`,
    resolvers: {
      Query: { reviews: () => reviews },
      Review: {
        author: ({ authorId }: { authorId: string }) => ({
          id: authorId,
          username: userOf(authorId)?.username,
        }),
        product: ({ upc }: { upc: string | null }) => (upc ? { upc } : null),
      },
      User: {
        __resolveReference: (reference: Ref<'id'>) => reference,
        reviews: ({ id }: Ref<'id'>) => reviews.filter((review) => review.authorId === id),
      },
      Product: {
        __resolveReference: (reference: Ref<'upc'>) => reference,
        reviews: ({ upc }: Ref<'upc'>) => reviews.filter((review) => review.upc === upc),
        reviewCount: ({ upc }: Ref<'upc'>) => reviews.filter((review) => review.upc === upc).length,
      },
      Media: {
        __resolveReference: (reference: Ref<'id'>) => reference,
        reviews: ({ id }: Ref<'id'>) => reviews.filter((review) => review.mediaId === id),
      },
    },
  },
  {
    name: 'media',
    sdl:
      LINK(['@key']) +
      `type Query { media: [Media!]! }
       interface Media @key(fields: "id") { id: ID! title: String! }
       type Book implements Media @key(fields: "id") { id: ID! title: String! author: String! }
       type Movie implements Media @key(fields: "id") { id: ID! title: String! director: String! }`,
    resolvers: {
      Query: { media: () => media },
      Media: {
        __resolveReference: ({ id }: Ref<'id'>) => media.find((item) => item.id === id) ?? null,
      },
      Book: { __resolveReference: ({ id }: Ref<'id'>) => media.find((item) => item.id === id) ?? null },
      Movie: { __resolveReference: ({ id }: Ref<'id'>) => media.find((item) => item.id === id) ?? null },
    },
  },
];

export interface RunningSubgraph {
  name: string;
  url: string;
  /** GraphQL requests it received. */
  readonly requests: number;
  stop(): Promise<void>;
}

/** Serves one subgraph with Apollo Server on a free loopback port. */
export async function serveSubgraph({ name, sdl, resolvers }: ForeignSubgraph): Promise<RunningSubgraph> {
  let requests = 0;
  const server = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs: parse(sdl), resolvers }),
    plugins: [ApolloServerPluginInlineTraceDisabled(), { requestDidStart: async () => void (requests += 1) }],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return {
    name,
    url,
    get requests() {
      return requests;
    },
    stop: () => server.stop(),
  };
}

export interface ForeignSupergraph {
  subgraphs: RunningSubgraph[];
  /** The supergraph file the gateway is pointed at, composed from the running subgraphs' URLs. */
  path: string;
  /** Stops every subgraph and removes the file. */
  stop(): Promise<void>;
}

/** Every foreign subgraph served on a free port and composed into a supergraph file of its own (`label` names its folder). */
export async function serveForeignSupergraph(label: string): Promise<ForeignSupergraph> {
  const subgraphs = await Promise.all(FOREIGN_SUBGRAPHS.map(serveSubgraph));
  const dir = await mkdtemp(join(tmpdir(), `${label}-`));
  const stop = async () => {
    await Promise.all(subgraphs.map((subgraph) => subgraph.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  const composed = composeServices(
    FOREIGN_SUBGRAPHS.map(({ name, sdl }, index) => ({
      name,
      url: subgraphs[index]!.url,
      typeDefs: parse(sdl),
    })),
  );
  if (composed.errors) {
    await stop();
    throw new Error(composed.errors.map(String).join('\n'));
  }
  const path = join(dir, 'supergraph.graphql');
  await writeFile(path, composed.supergraphSdl);
  return { subgraphs, path, stop };
}
