import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { GraphQLError, GraphQLScalarType, parse, type DocumentNode } from 'graphql';
import { IDENTITY_HEADER } from '@shop/identity';
import { createLogger, freePort, type Logger } from '@shop/platform';
import { loadRouterConfig, startRouter, type RunningRouter } from '@shop/router';

/**
 * A supergraph the router has never seen, for the executor's tests: seven
 * in-process subgraphs (accounts, products, reviews, inventory, media,
 * catalog, shipping), one that answers raw JSON the test chooses (ledger)
 * and one that is down (legacy). It exercises @requires (also of a field
 * with arguments), @provides, @shareable, @interfaceObject, entity
 * interfaces, unions, lists of lists, fields the planner aliases, composite,
 * nested and alternative keys, custom scalars and input coercion.
 */
const FEDERATION = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@requires", "@provides", "@external", "@shareable", "@interfaceObject"])`;

const accountsTypeDefs = parse(`${FEDERATION}
  type Query { me: User users: [User] user(id: ID!): User }
  type Mutation { addUser(name: String!): User! }
  type User @key(fields: "id") { id: ID! name: String username: String @shareable email: String }
`);
const productsTypeDefs = parse(`${FEDERATION}
  type Query {
    topProducts(first: Int = 2): [Product]
    product(upc: String!): Product
    items: [Item!]!
    things: [Thing]
  }
  interface Item @key(fields: "id") { id: ID! title: String }
  type Book implements Item @key(fields: "id") { id: ID! title: String size: String! @shareable pages: Int }
  type Furniture implements Item @key(fields: "id") { id: ID! title: String size: String }
  union Thing = Book | Furniture | Product
  enum Category { BOOKS TOOLS }
  type Product @key(fields: "upc") {
    upc: String!
    name: String @shareable
    price: Int
    weight: Int
    dimensions: [[Int!]!]
    category: Category
  }
`);
const reviewsTypeDefs = parse(`${FEDERATION}
  type Query { reviews: [Review] }
  type Mutation { addReview(body: String!, authorId: ID!): Review }
  type Review @key(fields: "id") {
    id: ID!
    body: String
    rating: Int!
    author: User @provides(fields: "username")
    product: Product
  }
  type User @key(fields: "id") { id: ID! username: String @external reviews: [Review!] }
  type Product @key(fields: "upc") {
    upc: String!
    reviews: [Review!]!
    reviewsAbove(rating: Int = 0): [Review!]!
    reviewMatrix: [[Review]]
  }
  type Book @key(fields: "id") { id: ID! size: String @shareable }
`);
const inventoryTypeDefs = parse(`${FEDERATION}
  type Query { inventory: [Product] }
  type Product @key(fields: "upc") {
    upc: String!
    name: String @shareable
    weight: Int @external
    price: Int @external
    inStock: Boolean
    shippingEstimate: Int @requires(fields: "price weight")
  }
`);
const mediaTypeDefs = parse(`${FEDERATION}
  type Item @key(fields: "id") @interfaceObject { id: ID! rating: Int }
`);
const ledgerTypeDefs = parse(`${FEDERATION}
  type Query { ledger: Ledger }
  enum LedgerKind { DEBIT CREDIT }
  type Person { name: String }
  type Company { title: String }
  union LedgerOwner = Person | Company
  type Ledger { id: ID! total: Int! kind: LedgerKind entries: [Int!] owner: LedgerOwner }
`);
const catalogTypeDefs = parse(`${FEDERATION}
  scalar JSON
  enum ParcelState { PACKED SHIPPED }
  input SkuFilter { region: String! labels: [String!] }
  type Query {
    parcels(state: ParcelState): [Parcel!]!
    sku(id: ID!, region: String!): Sku
    skus(ids: [ID!]!, filter: SkuFilter): [Sku]
  }
  type Sku @key(fields: "id region") @key(fields: "barcode") {
    id: ID!
    region: String!
    barcode: String!
    label: String
    meta: JSON
    owner: Owner
  }
  type Org @shareable { id: ID! }
  type Owner @key(fields: "org { id } handle") { org: Org! handle: String! }
  type Parcel @key(fields: "id") { id: ID! state: ParcelState! sku: Sku! weightGrams: Int }
`);
const shippingTypeDefs = parse(`${FEDERATION}
  type Sku @key(fields: "barcode") { barcode: String! carriers: [String!]! }
  type Org @shareable { id: ID! }
  type Owner @key(fields: "org { id } handle") { org: Org! handle: String! rating: Float }
  type Parcel @key(fields: "id") {
    id: ID!
    weightGrams: Int @external
    cost(currency: String = "EUR"): Int @requires(fields: "weightGrams")
  }
`);
const legacyTypeDefs = parse(`${FEDERATION}
  type Query { legacyStatus: String }
  type User @key(fields: "id") { id: ID! legacyScore: Int! }
`);

const USERS = [
  { id: 'u1', name: 'Ada', username: '@ada', email: 'ada@example.com' },
  { id: 'u2', name: 'Bob', username: '@bob', email: 'bob@example.com' },
  { id: 'u3', name: 'Cy', username: '@cy', email: 'cy@example.com' },
];
const PRODUCTS = [
  {
    upc: 'p1',
    name: 'Table',
    price: 899,
    weight: 100,
    dimensions: [
      [1, 2],
      [3, 4],
    ],
    category: 'TOOLS',
  },
  { upc: 'p2', name: 'Couch', price: 1299, weight: 1000, dimensions: [[5]], category: 'TOOLS' },
  { upc: 'p3', name: 'Chair', price: 54, weight: 50, dimensions: [], category: 'BOOKS' },
];
const ITEMS = [
  { __typename: 'Book', id: 'b1', title: 'Dune', size: 'large', pages: 412 },
  { __typename: 'Furniture', id: 'f1', title: 'Lamp', size: null },
  { __typename: 'Book', id: 'b2', title: 'Emma', size: 'small', pages: 300 },
];
const SKUS = [
  {
    id: 's1',
    region: 'eu',
    barcode: '4006381333931',
    label: 'Kettle',
    meta: { color: 'red', sizes: [1, 2], nested: { ok: true }, nothing: null },
    owner: { org: { id: 'o1' }, handle: 'acme' },
  },
  {
    id: 's1',
    region: 'us',
    barcode: '0012345678905',
    label: 'Kettle (US)',
    meta: 'plain',
    owner: null,
  },
  {
    id: 's2',
    region: 'eu',
    barcode: '9999999999999',
    label: 'Toaster',
    meta: null,
    owner: { org: { id: 'o2' }, handle: 'ghost' },
  },
];
const PARCELS = [
  { id: 'pa1', state: 'PACKED', skuBarcode: '4006381333931', weightGrams: 1200 },
  { id: 'pa2', state: 'SHIPPED', skuBarcode: '9999999999999', weightGrams: 400 },
  { id: 'pa3', state: 'SHIPPED', skuBarcode: '0012345678905', weightGrams: null },
];
/** Carriers by barcode; the toaster's barcode is unknown to shipping (its entity is null). */
const CARRIERS: Record<string, string[]> = {
  '4006381333931': ['DHL', 'UPS'],
  '0012345678905': ['USPS'],
};
const OWNER_RATINGS: Record<string, number> = { 'o1/acme': 4.5 };
const REVIEWS = [
  { id: 'r1', body: 'Love it', rating: 5, authorId: 'u1', upc: 'p1' },
  { id: 'r2', body: 'Too expensive', rating: 2, authorId: 'u2', upc: 'p1' },
  { id: 'r3', body: 'Could be better', rating: 3, authorId: 'u3', upc: 'p2' },
  { id: 'r4', body: 'Prefer something else', rating: 4, authorId: 'u1', upc: 'p3' },
];

/** What the ledger subgraph answers next: any status, content type and body. */
export interface RawAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface TestSubgraph {
  name: string;
  url: string;
  /** The operation text of every call it received, in order. */
  calls: string[];
  /** The variables of every call, in the same order. */
  variables: Record<string, unknown>[];
  /** The signed identity header of every call. */
  identities: (string | undefined)[];
  /** How long it waits before answering, so concurrent calls overlap. */
  delayMs: number;
  stop(): Promise<void>;
}

export interface FederatedFixture {
  supergraphSdl: string;
  subgraphs: Record<string, TestSubgraph>;
  /** The order in which mutations ran, across subgraphs. */
  mutationLog: string[];
  /** Forgets what mutations did, so two executions of one mutation answer alike. */
  resetMutations(): void;
  ledger: { answer: RawAnswer };
  stop(): Promise<void>;
}

/** Subgraphs that answer `cache-control: max-age=60, public` (for the fetch cache). */
const PUBLIC_SUBGRAPHS = new Set(['accounts', 'inventory']);

export async function startTestSubgraph(
  name: string,
  typeDefs: DocumentNode,
  resolvers: object,
): Promise<TestSubgraph> {
  const subgraph: TestSubgraph = {
    name,
    url: '',
    calls: [],
    variables: [],
    identities: [],
    delayMs: 0,
    stop: async () => undefined,
  };
  const server = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs, resolvers: resolvers as never }),
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      {
        async requestDidStart({ request }) {
          subgraph.calls.push(request.query ?? '');
          subgraph.variables.push(request.variables ?? {});
          subgraph.identities.push(request.http?.headers.get(IDENTITY_HEADER) ?? undefined);
          if (subgraph.delayMs > 0)
            await new Promise((resolve) => setTimeout(resolve, subgraph.delayMs));
          return {
            async willSendResponse({ response }) {
              if (PUBLIC_SUBGRAPHS.has(name)) {
                response.http.headers.set('cache-control', 'max-age=60, public');
              }
            },
          };
        },
      },
    ],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  subgraph.url = url;
  subgraph.stop = () => server.stop();
  return subgraph;
}

async function startRawSubgraph(ledger: { answer: RawAnswer }): Promise<TestSubgraph> {
  const subgraph: TestSubgraph = {
    name: 'ledger',
    url: '',
    calls: [],
    variables: [],
    identities: [],
    delayMs: 0,
    stop: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      subgraph.calls.push(
        (JSON.parse(Buffer.concat(chunks).toString()) as { query: string }).query,
      );
      const { status, contentType, body } = ledger.answer;
      res.writeHead(status, { 'content-type': contentType }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  subgraph.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  subgraph.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return subgraph;
}

/** A URL where nothing listens. */
async function unreachableUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/graphql`;
}

export async function startFederatedFixture(): Promise<FederatedFixture> {
  const mutationLog: string[] = [];
  let createdUsers: { id: string; name: string; username?: string }[] = [];
  let createdReviews: typeof REVIEWS = [];
  const userById = (id: string) =>
    USERS.find((user) => user.id === id) ?? createdUsers.find((user) => user.id === id);
  const reviewsOf = (predicate: (review: (typeof REVIEWS)[number]) => boolean) =>
    [...REVIEWS, ...createdReviews].filter(predicate);
  const ledger = {
    answer: { status: 200, contentType: 'application/json', body: '{"data":{"ledger":null}}' },
  };

  const subgraphs: Record<string, TestSubgraph> = {
    accounts: await startTestSubgraph('accounts', accountsTypeDefs, {
      Query: {
        me: () => USERS[0],
        users: () => USERS,
        user: (_: unknown, { id }: { id: string }) => userById(id) ?? null,
      },
      Mutation: {
        addUser: (_: unknown, { name }: { name: string }) => {
          mutationLog.push(`addUser ${name}`);
          const user = { id: `new-${createdUsers.length + 1}`, name };
          createdUsers.push(user);
          return user;
        },
      },
      User: { __resolveReference: ({ id }: { id: string }) => userById(id) ?? null },
    }),
    products: await startTestSubgraph('products', productsTypeDefs, {
      Query: {
        topProducts: (_: unknown, { first }: { first: number }) => PRODUCTS.slice(0, first),
        product: (_: unknown, { upc }: { upc: string }) =>
          PRODUCTS.find((product) => product.upc === upc) ?? null,
        items: () => ITEMS,
        things: () => [ITEMS[0], PRODUCTS[1], ITEMS[1]],
      },
      Item: { __resolveType: (item: { __typename: string }) => item.__typename },
      Thing: {
        __resolveType: (thing: { __typename?: string }) => thing.__typename ?? 'Product',
      },
      Book: {
        __resolveReference: ({ id }: { id: string }) => ITEMS.find((item) => item.id === id),
      },
      Furniture: {
        __resolveReference: ({ id }: { id: string }) => ITEMS.find((item) => item.id === id),
      },
      Product: {
        __resolveReference: ({ upc }: { upc: string }) =>
          PRODUCTS.find((product) => product.upc === upc),
      },
    }),
    reviews: await startTestSubgraph('reviews', reviewsTypeDefs, {
      Query: { reviews: () => reviewsOf(() => true) },
      Mutation: {
        addReview: (_: unknown, { body, authorId }: { body: string; authorId: string }) => {
          mutationLog.push(`addReview ${body}`);
          const review = {
            id: `nr-${createdReviews.length + 1}`,
            body,
            rating: 1,
            authorId,
            upc: 'p1',
          };
          createdReviews.push(review);
          return review;
        },
      },
      Review: {
        __resolveReference: ({ id }: { id: string }) => reviewsOf((review) => review.id === id)[0],
        author: (review: { authorId: string }) => ({
          id: review.authorId,
          username: userById(review.authorId)?.username,
        }),
        product: (review: { upc: string }) => ({ upc: review.upc }),
      },
      User: {
        __resolveReference: ({ id }: { id: string }) => ({ id }),
        reviews: ({ id }: { id: string }) => {
          if (id === 'u3')
            throw new GraphQLError('Reviews of u3 are sealed', { extensions: { code: 'SEALED' } });
          return reviewsOf((review) => review.authorId === id);
        },
      },
      Product: {
        __resolveReference: ({ upc }: { upc: string }) => ({ upc }),
        reviews: ({ upc }: { upc: string }) => reviewsOf((review) => review.upc === upc),
        reviewsAbove: ({ upc }: { upc: string }, { rating }: { rating: number }) =>
          reviewsOf((review) => review.upc === upc && review.rating > rating),
        reviewMatrix: ({ upc }: { upc: string }) => {
          const reviews = reviewsOf((review) => review.upc === upc);
          return [reviews, [], [reviews[0] ?? null, null]];
        },
      },
      Book: {
        __resolveReference: ({ id }: { id: string }) => ({ id, size: `${id}-size` }),
      },
    }),
    inventory: await startTestSubgraph('inventory', inventoryTypeDefs, {
      Query: { inventory: () => PRODUCTS.map(({ upc, name }) => ({ upc, name })) },
      Product: {
        __resolveReference: (reference: { upc: string; price?: number; weight?: number }) => ({
          ...reference,
          inStock: reference.upc !== 'p2',
        }),
        shippingEstimate: ({ price, weight }: { price: number; weight: number }) =>
          price > 1000 ? 0 : Math.round(weight * 0.5),
      },
    }),
    media: await startTestSubgraph('media', mediaTypeDefs, {
      Item: {
        __resolveReference: ({ id }: { id: string }) => ({ id, rating: id.length * 2 }),
      },
    }),
    catalog: await startTestSubgraph('catalog', catalogTypeDefs, {
      Query: {
        parcels: (_: unknown, { state }: { state?: string }) =>
          PARCELS.filter((parcel) => !state || parcel.state === state),
        sku: (_: unknown, { id, region }: { id: string; region: string }) =>
          SKUS.find((sku) => sku.id === id && sku.region === region) ?? null,
        skus: (
          _: unknown,
          { ids, filter }: { ids: string[]; filter?: { region: string; labels?: string[] } },
        ) =>
          ids.map(
            (id) =>
              SKUS.find(
                (sku) =>
                  sku.id === id &&
                  (!filter || sku.region === filter.region) &&
                  (!filter?.labels || filter.labels.includes(sku.label)),
              ) ?? null,
          ),
      },
      JSON: new GraphQLScalarType({ name: 'JSON' }),
      Sku: {
        __resolveReference: (key: { id?: string; region?: string; barcode?: string }) =>
          SKUS.find((sku) =>
            key.barcode
              ? sku.barcode === key.barcode
              : sku.id === key.id && sku.region === key.region,
          ),
      },
      Owner: {
        __resolveReference: (key: { org: { id: string }; handle: string }) => key,
      },
      Parcel: {
        __resolveReference: ({ id }: { id: string }) => PARCELS.find((parcel) => parcel.id === id),
        sku: (parcel: { skuBarcode: string }) =>
          SKUS.find((sku) => sku.barcode === parcel.skuBarcode),
      },
    }),
    shipping: await startTestSubgraph('shipping', shippingTypeDefs, {
      Sku: {
        __resolveReference: ({ barcode }: { barcode: string }) =>
          CARRIERS[barcode] ? { barcode, carriers: CARRIERS[barcode] } : null,
      },
      Owner: {
        __resolveReference: (key: { org: { id: string }; handle: string }) => ({
          ...key,
          rating: OWNER_RATINGS[`${key.org.id}/${key.handle}`] ?? null,
        }),
      },
      Parcel: {
        __resolveReference: (reference: { id: string; weightGrams?: number | null }) => reference,
        cost: (
          { weightGrams }: { weightGrams: number | null },
          { currency }: { currency: string },
        ) =>
          weightGrams === null
            ? null
            : Math.ceil(weightGrams / 100) * (currency === 'USD' ? 11 : 10),
      },
    }),
    ledger: await startRawSubgraph(ledger),
  };

  const composed = composeServices([
    ...Object.values(subgraphs).map((subgraph) => ({
      name: subgraph.name,
      url: subgraph.url,
      typeDefs: {
        accounts: accountsTypeDefs,
        products: productsTypeDefs,
        reviews: reviewsTypeDefs,
        inventory: inventoryTypeDefs,
        media: mediaTypeDefs,
        catalog: catalogTypeDefs,
        shipping: shippingTypeDefs,
        ledger: ledgerTypeDefs,
      }[subgraph.name]!,
    })),
    { name: 'legacy', url: await unreachableUrl(), typeDefs: legacyTypeDefs },
  ]);
  if (composed.errors) throw composed.errors[0];

  return {
    supergraphSdl: composed.supergraphSdl,
    subgraphs,
    mutationLog,
    resetMutations: () => {
      mutationLog.length = 0;
      createdUsers = [];
      createdReviews = [];
    },
    ledger,
    stop: async () => {
      await Promise.all(Object.values(subgraphs).map((subgraph) => subgraph.stop()));
    },
  };
}

/** A raw ledger answer of `data` (and optional `errors`) as JSON. */
/**
 * A router over the fixture's supergraph, set up for tests: every answer
 * comes from the subgraphs (no entity cache) and no rate limit holds a test
 * back; `env` adds to or overrides that.
 */
export function startFixtureRouter(
  fixture: FederatedFixture,
  env: Record<string, string> = {},
  log: Logger = createLogger('router', 'silent'),
): Promise<RunningRouter> {
  return startRouter(
    loadRouterConfig({
      PORT: '0',
      NODE_ENV: 'test',
      IDENTITY_SECRET: 'federated-fixture-identity-secret-0123456789',
      ENTITY_CACHE: 'false',
      RATE_LIMIT_PER_SECOND: '0',
      ...env,
    }),
    fixture.supergraphSdl,
    log,
  );
}

export function ledgerJson(body: object, status = 200): RawAnswer {
  return { status, contentType: 'application/json', body: JSON.stringify(body) };
}
