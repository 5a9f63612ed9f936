import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  parse,
  type DocumentNode,
  type ExecutionResult,
  type FormattedExecutionResult,
} from 'graphql';
import { createClient } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import WebSocket, { WebSocketServer } from 'ws';
import type { Identity } from '@shop/identity';
import { createLogger } from '@shop/platform';
import { loadRouterConfig, startRouter } from '@shop/router';
import { createSubgraphHttpClient, type SubgraphHttpClient } from '../src/datasources/http-client';
import { createGateway, type GatewayOptions, type GatewaySetup } from '../src/gateway';
import { startTestSubgraph, type TestSubgraph } from './support/federated-fixture';

/**
 * Where @apollo/query-planner plans wrongly and the router answers right
 * anyway, each on a supergraph of its own.
 */
const FEDERATION = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@requires", "@external", "@shareable"])`;

const COMMENTS = [
  { id: 'c1', body: 'first' },
  { id: 'c2', body: 'second' },
  { id: 'c3', body: 'third' },
  { id: 'c4', body: 'fourth' },
];

const postsTypeDefs = parse(`${FEDERATION}
  type Query { post: Post }
  type Post @key(fields: "id") { id: ID! comments(limit: Int!): [Comment!]! }
  type Comment @shareable { id: ID! body: String }`);

// stats computes a post's summary from its first three comments, whatever the client reads.
const statsTypeDefs = parse(`${FEDERATION}
  type Post @key(fields: "id") {
    id: ID!
    comments(limit: Int!): [Comment!]! @external
    summary: String @requires(fields: "comments(limit: 3) { id }")
  }
  type Comment @shareable { id: ID! }`);

/** Two labels of one product, each computed from the price in its own currency. */
const pricingTypeDefs = parse(`${FEDERATION}
  type Query { product: Product products: [Product] broken: String }
  type Mutation { touchProduct: Product }
  type Product @key(fields: "id") { id: ID! price(currency: String!): Int }`);
const labelsTypeDefs = parse(`${FEDERATION}
  type Product @key(fields: "id") {
    id: ID!
    price(currency: String!): Int @external
    usdLabel: String @requires(fields: "price(currency: \\"USD\\")")
    eurLabel: String @requires(fields: "price(currency: \\"EUR\\")")
  }`);
const PRICES: Record<string, Record<string, number>> = {
  p1: { USD: 110, EUR: 100 },
  p2: { USD: 220, EUR: 200 },
};

/**
 * A subgraph that serves one subscription over graphql-ws, whose one event
 * is `event`, then completes.
 */
async function startFeed(
  typeDefs: DocumentNode,
  field: string,
  event: object,
): Promise<TestSubgraph & { close(): Promise<void> }> {
  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: {
      Subscription: {
        [field]: {
          subscribe: async function* () {
            yield { [field]: event };
          },
        },
      },
    } as never,
  });
  const http = createServer((_req, res) => res.writeHead(404).end());
  const sockets = new WebSocketServer({ server: http, path: '/graphql' });
  useServer({ schema }, sockets);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    name: 'feed',
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`,
    close: async () => {
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  } as TestSubgraph & { close(): Promise<void> };
}

/** What a subscription through a router on `supergraphSdl` receives until it ends. */
async function subscribeThroughRouter(
  supergraphSdl: string,
  query: string,
): Promise<{ events: FormattedExecutionResult[]; errors: unknown }> {
  const router = await startRouter(
    loadRouterConfig({
      PORT: '0',
      NODE_ENV: 'test',
      IDENTITY_SECRET: 'planning-fixes-identity-secret-0123456789',
    }),
    supergraphSdl,
    createLogger('router', 'silent'),
  );
  const client = createClient({
    url: router.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
  try {
    const events: FormattedExecutionResult[] = [];
    const errors = await new Promise<unknown>((resolve) =>
      client.subscribe(
        { query },
        {
          next: (event) => events.push(event as FormattedExecutionResult),
          error: resolve,
          complete: () => resolve(undefined),
        },
      ),
    );
    return { events, errors };
  } finally {
    await client.dispose();
    await router.stop();
  }
}

function supergraphOf(subgraphs: TestSubgraph[], typeDefs: Record<string, DocumentNode>): string {
  const composed = composeServices(
    subgraphs.map((subgraph) => ({
      name: subgraph.name,
      url: subgraph.url,
      typeDefs: typeDefs[subgraph.name]!,
    })),
  );
  if (composed.errors) throw composed.errors[0];
  return composed.supergraphSdl;
}

describe('planning right where the reference planner is wrong', () => {
  let subgraphs: TestSubgraph[];
  let http: SubgraphHttpClient;
  let setup: GatewaySetup;
  const identity: Identity = { kind: 'user', userId: 'u1', role: 'CUSTOMER', scopes: ['customer'] };

  const gatewayOf = (supergraphSdl: string, options: GatewayOptions = {}) =>
    createGateway(
      supergraphSdl,
      http,
      {},
      'planning-fixes-identity-secret-0123456789',
      createLogger('planning-test', 'silent'),
      options,
    );

  beforeAll(async () => {
    subgraphs = [
      await startTestSubgraph('posts', postsTypeDefs, {
        Query: { post: () => ({ id: 'p1' }) },
        Post: {
          __resolveReference: (post: { id: string }) => post,
          comments: (_post: unknown, { limit }: { limit: number }) => COMMENTS.slice(0, limit),
        },
      }),
      await startTestSubgraph('stats', statsTypeDefs, {
        Post: {
          summary: ({ comments }: { comments: { id: string }[] }) =>
            `${comments.length} comments: ${comments.map((comment) => comment.id).join(' ')}`,
        },
      }),
    ];
    http = createSubgraphHttpClient({ timeoutMs: 5_000 });
    setup = gatewayOf(supergraphOf(subgraphs, { posts: postsTypeDefs, stats: statsTypeDefs }));
  });

  afterAll(async () => {
    await http.close();
    await Promise.all(subgraphs.map((subgraph) => subgraph.stop()));
  });

  const run = (
    query: string,
    variables: Record<string, unknown> = {},
    executor = setup.executor,
  ): Promise<ExecutionResult> =>
    executor.execute({
      document: parse(query),
      operationName: undefined,
      variables,
      identity,
    });

  it.each([
    ['the required field first', '{ post { summary comments(limit: 1) { id } } }'],
    ['the client’s field first', '{ post { comments(limit: 1) { id } summary } }'],
    ['the limit in a variable', 'query ($n: Int!) { post { comments(limit: $n) { id } summary } }'],
    [
      'inside a fragment',
      'fragment P on Post { comments(limit: 1) { id } } { post { ...P summary } }',
    ],
  ])(
    'a field @requires reads with other arguments: %s — each answers with its own',
    async (_case, query) => {
      const result = await run(query, { n: 1 });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({
        post: { comments: [{ id: 'c1' }], summary: '3 comments: c1 c2 c3' },
      });
    },
  );

  it('leaves a field asked with the requirement’s own arguments as it is', async () => {
    const result = await run('{ post { comments(limit: 3) { id body } summary } }');
    expect(result.data).toEqual({
      post: {
        comments: COMMENTS.slice(0, 3).map(({ id, body }) => ({ id, body })),
        summary: '3 comments: c1 c2 c3',
      },
    });
    const plan = await setup.executor.planOf(
      parse('{ post { comments(limit: 3) { id body } summary } }'),
      undefined,
    );
    expect(JSON.stringify(plan)).not.toContain('_requiresApart');
  });

  it('keeps the client’s own alias, which never clashed', async () => {
    const result = await run('{ post { first: comments(limit: 1) { id } summary } }');
    expect(result.data).toEqual({
      post: { first: [{ id: 'c1' }], summary: '3 comments: c1 c2 c3' },
    });
  });

  it('corrects a subscription event’s fetches too: the client’s arguments decide its field', async () => {
    // feed pushes which post changed; posts and stats complete each event (the plan's `rest`).
    const feedTypeDefs = parse(`${FEDERATION}
      type Query { feedName: String }
      type Subscription { postUpdated: Post! }
      type Post @key(fields: "id", resolvable: false) { id: ID! }`);
    const feed = await startFeed(feedTypeDefs, 'postUpdated', { id: 'p1' });
    try {
      const { events, errors } = await subscribeThroughRouter(
        supergraphOf([...subgraphs, feed], {
          posts: postsTypeDefs,
          stats: statsTypeDefs,
          feed: feedTypeDefs,
        }),
        'subscription { postUpdated { comments(limit: 1) { id } summary } }',
      );
      expect(errors).toBeUndefined();
      // On the gateway's executor summary read the client's one comment: one value served both.
      expect(events).toEqual([
        {
          data: {
            postUpdated: { comments: [{ id: 'c1' }], summary: '3 comments: c1 c2 c3' },
          },
        },
      ]);
    } finally {
      await feed.close();
    }
  });

  describe('two @requires of one field with different arguments', () => {
    let pricing: TestSubgraph[];
    let priced: GatewaySetup;
    let touches = 0;

    beforeAll(async () => {
      const product = (id: string) => ({ id });
      pricing = [
        await startTestSubgraph('pricing', pricingTypeDefs, {
          Query: {
            product: () => product('p1'),
            products: () => [product('p1'), product('p2')],
            broken: () => {
              throw new Error('broken on purpose');
            },
          },
          Mutation: {
            touchProduct: () => {
              touches += 1;
              return product('p1');
            },
          },
          Product: {
            __resolveReference: (reference: { id: string }) => reference,
            price: ({ id }: { id: string }, { currency }: { currency: string }) =>
              PRICES[id]![currency],
          },
        }),
        await startTestSubgraph('labels', labelsTypeDefs, {
          Product: {
            __resolveReference: (reference: object) => reference,
            usdLabel: ({ price }: { price: number }) => `$${price}`,
            eurLabel: ({ price }: { price: number }) => `€${price}`,
          },
        }),
      ];
      priced = gatewayOf(
        supergraphOf(pricing, { pricing: pricingTypeDefs, labels: labelsTypeDefs }),
      );
    });

    afterAll(async () => {
      await Promise.all(pricing.map((subgraph) => subgraph.stop()));
    });

    it('computes each from its own value', async () => {
      const result = await run('{ product { usdLabel eurLabel } }', {}, priced.executor);
      expect(result).toEqual({ data: { product: { usdLabel: '$110', eurLabel: '€100' } } });
    });

    it('refuses them in a mutation, which would have to run twice, before anything runs', async () => {
      const touchesBefore = touches;
      const result = await run(
        'mutation { touchProduct { usdLabel eurLabel } }',
        {},
        priced.executor,
      );
      expect(result).toEqual({
        errors: [
          expect.objectContaining({
            message:
              'The supergraph cannot answer this operation: a mutation cannot read two requirements of one field with different arguments; read them in a query after it',
            extensions: expect.objectContaining({ code: 'QUERY_PLANNING_FAILED' }),
          }),
        ],
      });
      expect(touches).toBe(touchesBefore);
      // One requirement's variant in a mutation is answered as usual.
      const one = await run('mutation { touchProduct { usdLabel } }', {}, priced.executor);
      expect(one).toEqual({ data: { touchProduct: { usdLabel: '$110' } } });
      expect(touches).toBe(touchesBefore + 1);
    });

    it('refuses them in a subscription, which one upstream subscription cannot answer', async () => {
      const feedTypeDefs = parse(`${FEDERATION}
        type Query { feedName: String }
        type Subscription { productUpdated: Product! }
        type Product @key(fields: "id", resolvable: false) { id: ID! }`);
      const feed = await startFeed(feedTypeDefs, 'productUpdated', { id: 'p1' });
      try {
        const { events, errors } = await subscribeThroughRouter(
          supergraphOf([...pricing, feed], {
            pricing: pricingTypeDefs,
            labels: labelsTypeDefs,
            feed: feedTypeDefs,
          }),
          'subscription { productUpdated { usdLabel eurLabel } }',
        );
        expect(events).toEqual([]);
        expect(errors).toEqual([
          {
            message:
              'The supergraph cannot answer this operation: a subscription cannot read two requirements of one field with different arguments',
            extensions: { code: 'QUERY_PLANNING_FAILED' },
          },
        ]);
      } finally {
        await feed.close();
      }
    });

    it('in a list, beside the price the client asks for itself, and an error said once', async () => {
      const result = await run(
        '{ broken products { id eurLabel price(currency: "USD") usdLabel } }',
        {},
        priced.executor,
      );
      expect(result.data).toEqual({
        broken: null,
        products: [
          { id: 'p1', eurLabel: '€100', price: 110, usdLabel: '$110' },
          { id: 'p2', eurLabel: '€200', price: 220, usdLabel: '$220' },
        ],
      });
      expect(result.errors?.map((error) => [error.message, error.path])).toEqual([
        ['broken on purpose', ['broken']],
      ]);
    });
  });

  describe('a selection no subgraph can answer', () => {
    const interfaceObjectFederation = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@interfaceObject"])`;
    const mediaTypeDefs = parse(`${interfaceObjectFederation}
      type Query { items: [Item] }
      interface Item @key(fields: "id") { id: ID! title: String }
      type Book implements Item @key(fields: "id") { id: ID! title: String }`);
    // Item.rating lives only on an @interfaceObject whose key is not resolvable.
    const ratingsTypeDefs = parse(`${interfaceObjectFederation}
      type Item @key(fields: "id", resolvable: false) @interfaceObject { id: ID! rating: Int }`);

    it('answers QUERY_PLANNING_FAILED where the planner gives up, no data of nulls', async () => {
      // Composed as a supergraph the router has never seen may be: without the satisfiability check.
      const composed = composeServices(
        [
          { name: 'media', url: 'http://127.0.0.1:9/graphql', typeDefs: mediaTypeDefs },
          { name: 'ratings', url: 'http://127.0.0.1:9/graphql', typeDefs: ratingsTypeDefs },
        ],
        { runSatisfiability: false },
      );
      if (composed.errors) throw composed.errors[0];
      const unanswerable = gatewayOf(composed.supergraphSdl);
      const result = await run('{ items { id rating } }', {}, unanswerable.executor);
      expect(result.data).toBeUndefined();
      expect(result.errors?.map((error) => [error.message, error.extensions?.code])).toEqual([
        [
          'The supergraph cannot answer this operation: Was not able to find any options for rating',
          'QUERY_PLANNING_FAILED',
        ],
      ]);
    });

    it('never serves an empty plan for fields as success (a stored plan may be one)', async () => {
      const emptyPlans = gatewayOf(
        supergraphOf(subgraphs, { posts: postsTypeDefs, stats: statsTypeDefs }),
        { planStore: { get: async () => '{"kind":"QueryPlan"}', set: async () => undefined } },
      );
      const refused = await run('{ post { id } }', {}, emptyPlans.executor);
      expect(refused.data).toBeUndefined();
      expect(refused.errors?.map((error) => error.extensions?.code)).toEqual([
        'QUERY_PLANNING_FAILED',
      ]);
      // What needs no subgraph is still answered from an empty plan.
      for (const query of ['{ __typename }', '{ __typename post @skip(if: true) { id } }']) {
        expect(await run(query, {}, emptyPlans.executor)).toEqual({
          data: { __typename: 'Query' },
        });
      }
    });
  });

  describe('a key marked resolvable: false', () => {
    const keysFederation = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])`;
    const typeDefs: Record<string, DocumentNode> = {
      catalog: parse(`${keysFederation}
        type Query { products: [Product] }
        type Product @key(fields: "id") @key(fields: "sku") { id: ID! sku: String! name: String }`),
      // pricing resolves products by id only: it names sku as a key it never resolves.
      pricing: parse(`${keysFederation}
        type Product @key(fields: "id") @key(fields: "sku", resolvable: false) {
          id: ID!
          sku: String!
          price: Int
        }`),
      stock: parse(`${keysFederation}
        type Query { bySku: Product }
        type Product @key(fields: "sku") { sku: String! units: Int }`),
    };
    const PRODUCT = { id: 'p1', sku: 'SKU-1', name: 'Lamp', price: 4200, units: 7 };
    let keyed: TestSubgraph[];
    let supergraphSdl: string;

    beforeAll(async () => {
      const byKey = (reference: { id?: string; sku?: string }) =>
        reference.id === PRODUCT.id || reference.sku === PRODUCT.sku ? PRODUCT : null;
      keyed = [
        await startTestSubgraph('catalog', typeDefs.catalog!, {
          Query: { products: () => [PRODUCT] },
          Product: { __resolveReference: byKey },
        }),
        await startTestSubgraph('pricing', typeDefs.pricing!, {
          Product: {
            __resolveReference: (reference: { id?: string }) =>
              reference.id === PRODUCT.id ? PRODUCT : null,
          },
        }),
        await startTestSubgraph('stock', typeDefs.stock!, {
          Query: { bySku: () => PRODUCT },
          Product: { __resolveReference: byKey },
        }),
      ];
      supergraphSdl = supergraphOf(keyed, typeDefs);
    });

    afterAll(async () => {
      await Promise.all(keyed.map((subgraph) => subgraph.stop()));
    });

    const executorWith = (planStore?: { get(): Promise<string>; set(): Promise<void> }) =>
      gatewayOf(supergraphSdl, { planStore }).executor;

    it('is reached through a key the subgraph resolves', async () => {
      expect(await run('{ bySku { units price } }', {}, executorWith())).toEqual({
        data: { bySku: { units: 7, price: 4200 } },
      });
    });

    it('is never used to send representations: such a plan is refused, nothing called', async () => {
      const representationsBySku = {
        kind: 'QueryPlan',
        node: {
          kind: 'Sequence',
          nodes: [
            {
              kind: 'Fetch',
              serviceName: 'stock',
              variableUsages: [],
              operation: '{bySku{__typename sku units}}',
              operationKind: 'query',
            },
            {
              kind: 'Flatten',
              path: ['bySku'],
              node: {
                kind: 'Fetch',
                serviceName: 'pricing',
                variableUsages: [],
                requires: [
                  {
                    kind: 'InlineFragment',
                    typeCondition: 'Product',
                    selections: [
                      { kind: 'Field', name: '__typename' },
                      { kind: 'Field', name: 'sku' },
                    ],
                  },
                ],
                operation:
                  'query($representations:[_Any!]!){_entities(representations:$representations){...on Product{price}}}',
                operationKind: 'query',
              },
            },
          ],
        },
      };
      const calls = () => keyed.reduce((count, subgraph) => count + subgraph.calls.length, 0);
      const before = calls();
      const result = await run(
        '{ bySku { units price } }',
        {},
        executorWith({
          get: async () => JSON.stringify(representationsBySku),
          set: async () => undefined,
        }),
      );
      expect(result.data).toBeUndefined();
      expect(result.errors?.map((error) => [error.message, error.extensions?.code])).toEqual([
        [
          'The supergraph cannot answer this operation: it would send Product to pricing by a key pricing does not resolve',
          'QUERY_PLANNING_FAILED',
        ],
      ]);
      expect(calls()).toBe(before);
    });
  });
});
