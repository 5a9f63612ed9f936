import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { createAccessTokenIssuer, developmentKeyPair } from '@shop/identity';
import { createLogger } from '@shop/platform';
import { errorCodes, graphqlRequest } from '@shop/testing';
import { loadRouterConfig, startRouter, type RunningRouter } from '@shop/router';
import { startTestSubgraph, type TestSubgraph } from './support/federated-fixture';
import { mergedParts, postForParts, remainingParts } from './support/multipart-reader';

const FEDERATION = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@authenticated"])`;

const productsTypeDefs = parse(`${FEDERATION}
  type Query { product(upc: String!): Product topProducts: [Product] }
  type Product @key(fields: "upc") { upc: String! name: String price: Int }
`);
const inventoryTypeDefs = parse(`${FEDERATION}
  type Product @key(fields: "upc") { upc: String! inStock: Boolean supplierCost: Int @authenticated }
`);
const reviewsTypeDefs = parse(`${FEDERATION}
  type Product @key(fields: "upc") { upc: String! reviews: [Review!]! }
  type Review { id: ID! body: String }
`);

const PRODUCTS = [
  { upc: 'p1', name: 'Table', price: 899 },
  { upc: 'p2', name: 'Couch', price: 1299 },
];
const REVIEWS: Record<string, { id: string; body: string }[]> = {
  p1: [
    { id: 'r1', body: 'Love it' },
    { id: 'r2', body: 'Too expensive' },
  ],
  p2: [{ id: 'r3', body: 'Comfy' }],
};

/** Holds a subgraph's answers until the test opens it, so a test sees what arrives before. */
class Gate {
  private opened = Promise.resolve();
  private open_: () => void = () => undefined;
  close(): void {
    this.opened = new Promise((resolve) => (this.open_ = resolve));
  }
  open(): void {
    this.open_();
  }
  passed(): Promise<void> {
    return this.opened;
  }
}

const STOREFRONT_QUERY = `query ProductWithReviews($upc: String!) {
  product(upc: $upc) {
    upc
    name
    ... @defer(label: "stock") { inStock }
    ...Reviews @defer
  }
}
fragment Reviews on Product { reviews { id body } }`;

describe('@defer through the router (multipart/mixed, deferSpec=20220824)', () => {
  const gates = { inventory: new Gate(), reviews: new Gate() };
  let subgraphs: TestSubgraph[];
  const inventoryCalls = () => subgraphs.find(({ name }) => name === 'inventory')!.calls.length;
  let router: RunningRouter;
  let customerToken: string;

  beforeAll(async () => {
    const productOf = (upc: string) => PRODUCTS.find((product) => product.upc === upc);
    subgraphs = [
      await startTestSubgraph('products', productsTypeDefs, {
        Query: {
          product: (_: unknown, { upc }: { upc: string }) => productOf(upc),
          topProducts: () => PRODUCTS,
        },
        Product: { __resolveReference: ({ upc }: { upc: string }) => productOf(upc) },
      }),
      await startTestSubgraph('inventory', inventoryTypeDefs, {
        Product: {
          __resolveReference: async ({ upc }: { upc: string }) => {
            await gates.inventory.passed();
            return { upc, inStock: upc === 'p1', supplierCost: 400 };
          },
        },
      }),
      await startTestSubgraph('reviews', reviewsTypeDefs, {
        Product: {
          __resolveReference: ({ upc }: { upc: string }) => ({ upc }),
          reviews: async ({ upc }: { upc: string }) => {
            await gates.reviews.passed();
            return REVIEWS[upc] ?? [];
          },
        },
      }),
    ];
    const composed = composeServices(
      subgraphs.map(({ name, url }, index) => ({
        name,
        url,
        typeDefs: [productsTypeDefs, inventoryTypeDefs, reviewsTypeDefs][index]!,
      })),
    );
    if (composed.errors) throw composed.errors[0];
    router = await startRouter(
      loadRouterConfig({
        PORT: '0',
        NODE_ENV: 'test',
        IDENTITY_SECRET: 'defer-test-identity-secret-0123456789abc',
        RATE_LIMIT_PER_SECOND: '0',
      }),
      composed.supergraphSdl,
      createLogger('router', 'silent'),
    );
    const issuer = await createAccessTokenIssuer(developmentKeyPair().privateKeyPem, {
      issuer: 'shop-users',
      audience: 'shop-supergraph',
      ttlSeconds: 900,
    });
    customerToken = (await issuer.issue({ id: '1', role: 'CUSTOMER' })).token;
  });
  afterAll(async () => {
    gates.inventory.open();
    gates.reviews.open();
    await router.stop();
    await Promise.all(subgraphs.map((subgraph) => subgraph.stop()));
  });

  it('answers the initial part, then each deferred part once its fetches are done, with the data of the query without @defer', async () => {
    gates.inventory.close();
    gates.reviews.close();
    const reader = await postForParts(router.url, STOREFRONT_QUERY, { upc: 'p1' });
    expect(reader.status).toBe(200);
    expect(reader.contentType).toBe('multipart/mixed;boundary="graphql";deferSpec=20220824');

    // Both deferred fetches are held: the initial part comes all the same.
    const initial = await reader.next();
    expect(initial).toEqual({ data: { product: { upc: 'p1', name: 'Table' } }, hasNext: true });

    // The reviews are still held: the stock part comes before them.
    gates.inventory.open();
    const stock = await reader.next();
    expect(stock).toEqual({
      incremental: [{ data: { inStock: true }, path: ['product'], label: 'stock' }],
      hasNext: true,
    });

    gates.reviews.open();
    const reviews = await reader.next();
    expect(reviews).toEqual({
      incremental: [
        {
          data: {
            reviews: [
              { id: 'r1', body: 'Love it' },
              { id: 'r2', body: 'Too expensive' },
            ],
          },
          path: ['product'],
        },
      ],
      hasNext: false,
    });
    expect(await reader.next()).toBeUndefined();

    const whole = await graphqlRequest(
      router.url,
      STOREFRONT_QUERY.replace(/ @defer(\([^)]*\))?/g, ''),
      { upc: 'p1' },
    );
    expect(mergedParts([initial!, stock!, reviews!])).toEqual(whole.data);
  });

  it('answers a fragment deferred in list items at each item, and nested @defer after its parent', async () => {
    const query = `{
      topProducts {
        name
        ... @defer(label: "outer") {
          inStock
          ... @defer(label: "inner") { reviews { body } }
        }
      }
    }`;
    const reader = await postForParts(router.url, query);
    const parts = await remainingParts(reader);
    expect(parts[0]).toEqual({
      data: { topProducts: [{ name: 'Table' }, { name: 'Couch' }] },
      hasNext: true,
    });
    expect(parts.slice(1)).toEqual([
      {
        incremental: [
          { data: { inStock: true }, path: ['topProducts', 0], label: 'outer' },
          { data: { inStock: false }, path: ['topProducts', 1], label: 'outer' },
        ],
        hasNext: true,
      },
      {
        incremental: [
          {
            data: { reviews: [{ body: 'Love it' }, { body: 'Too expensive' }] },
            path: ['topProducts', 0],
            label: 'inner',
          },
          { data: { reviews: [{ body: 'Comfy' }] }, path: ['topProducts', 1], label: 'inner' },
        ],
        hasNext: false,
      },
    ]);
    const whole = await graphqlRequest(router.url, query.replace(/ @defer(\([^)]*\))?/g, ''));
    expect(mergedParts(parts)).toEqual(whole.data);
  });

  it('refuses an @authenticated field in the part of its deferred fragment, with the contract code', async () => {
    const query = `{ product(upc: "p1") { name ... @defer(label: "cost") { supplierCost inStock } } }`;
    const anonymous = await remainingParts(await postForParts(router.url, query));
    expect(anonymous).toEqual([
      { data: { product: { name: 'Table' } }, hasNext: true },
      {
        incremental: [
          {
            data: { supplierCost: null, inStock: true },
            path: ['product'],
            label: 'cost',
            errors: [
              {
                message: 'Not allowed to see Product.supplierCost',
                path: ['product', 'supplierCost'],
                extensions: { code: 'UNAUTHENTICATED' },
              },
            ],
          },
        ],
        hasNext: false,
      },
    ]);

    const signedIn = await remainingParts(
      await postForParts(router.url, query, {}, { authorization: `Bearer ${customerToken}` }),
    );
    expect(signedIn[1]).toEqual({
      incremental: [
        { data: { supplierCost: 400, inStock: true }, path: ['product'], label: 'cost' },
      ],
      hasNext: false,
    });
  });

  it('answers a client that does not accept multipart at once, with the data of the query without @defer', async () => {
    const deferred = await graphqlRequest(router.url, STOREFRONT_QUERY, { upc: 'p2' });
    const whole = await graphqlRequest(
      router.url,
      STOREFRONT_QUERY.replace(/ @defer(\([^)]*\))?/g, ''),
      { upc: 'p2' },
    );
    expect(deferred.status).toBe(200);
    expect(deferred.contentType).toMatch(/^application\/(graphql-response\+)?json/);
    expect(deferred.body).toEqual(whole.body);
    expect(deferred.data).toEqual({
      product: { upc: 'p2', name: 'Couch', inStock: false, reviews: [{ id: 'r3', body: 'Comfy' }] },
    });

    const refused = await graphqlRequest(
      router.url,
      `{ product(upc: "p1") { name ... @defer { supplierCost } } }`,
    );
    expect(refused.data).toEqual({ product: { name: 'Table', supplierCost: null } });
    expect(errorCodes(refused)).toEqual(['UNAUTHENTICATED']);
  });

  it('plans a client that does not accept multipart as if the operation had no @defer', async () => {
    // Deferred, the fragment's field is a products fetch of its own after the first.
    const query = `{ product(upc: "p1") { upc ... @defer { name } } }`;
    const productsCalls = () => subgraphs.find(({ name }) => name === 'products')!.calls.length;
    const before = productsCalls();
    await remainingParts(await postForParts(router.url, query));
    const inParts = productsCalls() - before;
    const whole = await graphqlRequest(router.url, query);
    expect(whole.data).toEqual({ product: { upc: 'p1', name: 'Table' } });
    expect(inParts).toBe(2);
    expect(productsCalls() - before - inParts).toBe(1);
  });

  it('answers a deferred part from the entity cache as any other fetch', async () => {
    const query = `{ product(upc: "p2") { name ... @defer(label: "stock") { inStock } } }`;
    const first = await remainingParts(await postForParts(router.url, query));
    const calls = inventoryCalls();
    const second = await remainingParts(await postForParts(router.url, query));
    expect(second).toEqual(first);
    expect(second[1]).toEqual({
      incremental: [{ data: { inStock: false }, path: ['product'], label: 'stock' }],
      hasNext: false,
    });
    // The inventory subgraph answers public cache-control: the second part came from the cache.
    expect(inventoryCalls()).toBe(calls);
  });

  it('answers a conditional @defer at once, whatever its variable', async () => {
    const query = `query ($later: Boolean!) { product(upc: "p1") { name ... @defer(if: $later) { inStock } } }`;
    for (const later of [true, false]) {
      const reader = await postForParts(router.url, query, { later });
      expect(reader.contentType).toMatch(/^application\/json/);
      const whole = await graphqlRequest(router.url, query, { later });
      expect(whole.data).toEqual({ product: { name: 'Table', inStock: true } });
    }
  });

  it('counts deferred fragments against the operation limits, refused before any part', async () => {
    const aliases = Array.from({ length: 31 }, (_, n) => `a${n}: name`).join(' ');
    const query = `{ product(upc: "p1") { upc ... @defer { ${aliases} } } }`;
    const reader = await postForParts(router.url, query);
    expect(reader.status).toBe(400);
    expect(reader.contentType).toMatch(/^application\/json/);
    expect(errorCodes(await graphqlRequest(router.url, query))).toEqual(['MAX_ALIASES_EXCEEDED']);
  });
});
