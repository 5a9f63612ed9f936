import { fetch as undiciFetch } from 'undici';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createAccessTokenIssuer, developmentKeyPair } from '@shop/identity';
import { graphqlRequest, type GraphQLResponse } from '@shop/testing';
import type { RunningRouter } from '@shop/router';
import {
  startFederatedFixture,
  startFixtureRouter,
  type FederatedFixture,
} from './support/federated-fixture';

/** Operations whose answers over HTTP must equal stock @apollo/gateway's behind Apollo Server. */
const OPERATIONS = [
  '{ users { id name username } }',
  '{ user(id: "u1") { id name reviews { id body product { upc name price inStock shippingEstimate } } } }',
  '{ topProducts(first: 3) { upc dimensions reviewMatrix { id author { name } } } }',
  '{ items { __typename id title rating ... on Book { size pages } ... on Furniture { size } } }',
  '{ things { __typename ... on Book { title } ... on Product { upc name } } }',
  '{ reviews { id author { username name reviews { id } } } }',
  '{ users { id legacyScore } }',
];

/** An identical query every caller sends; products and reviews answer it without cache headers. */
const SHARED_QUERY = '{ topProducts(first: 3) { upc name reviews { body } } }';

function comparable(response: GraphQLResponse) {
  return {
    status: response.status,
    data: response.data,
    errors: response.errors?.map((error) => ({
      message: error.message,
      path: error.path,
      code: error.extensions?.code,
    })),
  };
}

describe('the router’s executor over HTTP, with in-flight de-duplication', () => {
  let fixture: FederatedFixture;
  let deduplicating: RunningRouter;
  let notDeduplicating: RunningRouter;
  let stock: ApolloServer;
  let stockUrl: string;
  let userToken: string;

  const routerWith = (env: Record<string, string>) => startFixtureRouter(fixture, env);

  beforeAll(async () => {
    fixture = await startFederatedFixture();
    deduplicating = await routerWith({});
    notDeduplicating = await routerWith({ SUBGRAPH_DEDUPLICATION: 'false' });
    // Without Apollo's usage reports, as the router runs (APOLLO_TELEMETRY_DISABLED).
    process.env.APOLLO_TELEMETRY_DISABLED = 'true';
    stock = new ApolloServer({
      // The router's fetcher (undici), so transport errors are worded alike.
      gateway: new ApolloGateway({
        supergraphSdl: fixture.supergraphSdl,
        buildService: ({ url }) =>
          new RemoteGraphQLDataSource({ url, fetcher: undiciFetch as never }),
      }),
    });
    ({ url: stockUrl } = await startStandaloneServer(stock, {
      listen: { port: 0, host: '127.0.0.1' },
    }));
    const issuer = await createAccessTokenIssuer(developmentKeyPair().privateKeyPem, {
      issuer: 'shop-users',
      audience: 'shop-supergraph',
      ttlSeconds: 900,
    });
    userToken = (await issuer.issue({ id: 'u1', role: 'CUSTOMER' })).token;
  });

  afterEach(() => {
    for (const subgraph of Object.values(fixture.subgraphs)) subgraph.delayMs = 0;
  });

  afterAll(async () => {
    await deduplicating.stop();
    await notDeduplicating.stop();
    await stock.stop();
    await fixture.stop();
  });

  it.each(OPERATIONS)('answers %s as stock @apollo/gateway does', async (query) => {
    const [ours, theirs] = await Promise.all([
      graphqlRequest(deduplicating.url, query),
      graphqlRequest(stockUrl, query),
    ]);
    expect(comparable(ours)).toEqual(comparable(theirs));
  });

  it('answers errors when completing values nulls the whole of data, where stock answers none', async () => {
    // Shipping knows no carriers for the toaster's barcode: its entity is null,
    // Sku.carriers is non-null, and the nulls bubble up to `data`.
    const query = '{ parcels { id sku { label carriers } } }';
    const [ours, theirs] = await Promise.all([
      graphqlRequest(deduplicating.url, query),
      graphqlRequest(stockUrl, query),
    ]);
    expect(theirs.data).toBeNull();
    expect(theirs.errors).toBeUndefined();
    expect(ours.data).toBeNull();
    expect(ours.errors?.map((error) => [error.message, error.path])).toEqual([
      [
        'Cannot return null for non-nullable field Sku.carriers.',
        ['parcels', 1, 'sku', 'carriers'],
      ],
    ]);
  });

  /** Sends `count` requests at once; returns how many calls each subgraph received meanwhile. */
  async function callsDuring(
    router: RunningRouter,
    requests: { query: string; headers?: Record<string, string> }[],
  ) {
    const { products, reviews, accounts } = fixture.subgraphs;
    products!.delayMs = reviews!.delayMs = accounts!.delayMs = 200;
    const before = [products!.calls.length, reviews!.calls.length, accounts!.calls.length];
    const responses = await Promise.all(
      requests.map(({ query, headers }) => graphqlRequest(router.url, query, {}, headers)),
    );
    for (const response of responses) expect(response.errors).toBeUndefined();
    return {
      responses,
      products: products!.calls.length - before[0]!,
      reviews: reviews!.calls.length - before[1]!,
      accounts: accounts!.calls.length - before[2]!,
    };
  }

  it('makes one call per subgraph fetch for identical concurrent queries', async () => {
    const { responses, products, reviews } = await callsDuring(
      deduplicating,
      Array.from({ length: 8 }, () => ({ query: SHARED_QUERY })),
    );
    expect(products).toBe(1);
    expect(reviews).toBe(1);
    expect(new Set(responses.map((response) => JSON.stringify(response.data))).size).toBe(1);
  });

  it('makes every call when de-duplication is off (SUBGRAPH_DEDUPLICATION=false)', async () => {
    const { products, reviews } = await callsDuring(
      notDeduplicating,
      Array.from({ length: 8 }, () => ({ query: SHARED_QUERY })),
    );
    expect(products).toBe(8);
    expect(reviews).toBe(8);
  });

  it('never shares a mutation', async () => {
    fixture.resetMutations();
    const { accounts } = await callsDuring(
      deduplicating,
      Array.from({ length: 4 }, () => ({ query: 'mutation { addUser(name: "same") { id } }' })),
    );
    expect(accounts).toBe(4);
    expect(fixture.mutationLog).toEqual(Array.from({ length: 4 }, () => 'addUser same'));
  });

  it('never shares an answer between different identities', async () => {
    const { products, responses } = await callsDuring(deduplicating, [
      { query: SHARED_QUERY },
      { query: SHARED_QUERY, headers: { authorization: `Bearer ${userToken}` } },
      { query: SHARED_QUERY },
    ]);
    expect(products).toBe(2);
    expect(responses[1]!.data).toEqual(responses[0]!.data);
  });
});
