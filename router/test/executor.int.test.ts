import { parse, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { buildOperationContext, executeQueryPlan } from '@apollo/gateway';
import type { Identity } from '@shop/identity';
import { createLogger } from '@shop/platform';
import type { CachePolicy, FetchCache, PlanStore, SubgraphFetch } from '../src/execution/caches';
import { parsePlan, serializePlan } from '../src/execution/plan-cache';
import { createSubgraphHttpClient, type SubgraphHttpClient } from '../src/datasources/http-client';
import { createGateway, type GatewayOptions, type GatewaySetup } from '../src/gateway';
import {
  ledgerJson,
  startFederatedFixture,
  type FederatedFixture,
  type RawAnswer,
} from './support/federated-fixture';

const IDENTITY_SECRET = 'executor-test-identity-secret-0123456789';

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  ledger?: RawAnswer;
  mutation?: boolean;
}

const CASES: Case[] = [
  { name: 'root list from one subgraph', query: '{ users { id name } }' },
  {
    name: 'nested entities across subgraphs',
    query: '{ user(id: "u1") { id name reviews { id body product { upc name price inStock } } } }',
  },
  {
    name: '@requires',
    query: '{ topProducts { upc name price shippingEstimate inStock } }',
  },
  {
    name: 'argument from a variable',
    query: 'query ($first: Int) { topProducts(first: $first) { name } }',
    variables: { first: 3 },
  },
  {
    name: 'variable with a default',
    query: 'query ($n: Int = 3) { topProducts(first: $n) { upc } }',
  },
  {
    name: 'argument default in the schema',
    query: '{ topProducts { upc } }',
  },
  {
    name: '@provides',
    query: '{ reviews { id author { username name } } }',
  },
  {
    name: 'lists of lists of entities',
    query: '{ topProducts { upc reviewMatrix { id author { name } } } }',
  },
  { name: 'lists of lists of scalars', query: '{ topProducts { dimensions } }' },
  {
    name: 'aliases',
    query:
      '{ first: user(id: "u1") { handle: username n: name } second: user(id: "u2") { n: name } }',
  },
  {
    name: 'named fragments',
    query:
      'fragment U on User { id name } query { user(id: "u2") { ...U reviews { id author { ...U } } } }',
  },
  {
    name: 'inline fragments on an interface',
    query: '{ items { __typename id title ... on Book { pages } ... on Furniture { title } } }',
  },
  {
    name: 'inline fragments on a union',
    query:
      '{ things { __typename ... on Book { title } ... on Product { upc name } ... on Item { id } } }',
  },
  { name: '@interfaceObject', query: '{ items { id title rating } }' },
  {
    name: 'one entity twice in one fetch',
    query: '{ reviews { id author { id name } } }',
  },
  {
    name: 'entity fetches of two root fields to one subgraph, one answering an error',
    query: '{ users { id reviews { id body } } topProducts { upc reviews { id rating } } }',
  },
  {
    name: '@interfaceObject under a type condition',
    query: '{ items { ... on Book { rating size } } }',
  },
  {
    name: 'field types the planner must alias (outputRewrites)',
    query: '{ items { ... on Book { size } ... on Furniture { size } } }',
  },
  {
    name: '@skip/@include with variables (included)',
    query:
      'query ($withReviews: Boolean!, $skipPrice: Boolean = false) { topProducts { name price @skip(if: $skipPrice) reviews @include(if: $withReviews) { body } } }',
    variables: { withReviews: true },
  },
  {
    name: '@skip/@include with variables (skipped)',
    query:
      'query ($withReviews: Boolean!, $skipPrice: Boolean = false) { topProducts { name price @skip(if: $skipPrice) reviews @include(if: $withReviews) { body } } }',
    variables: { withReviews: false, skipPrice: true },
  },
  {
    name: '@include on a fragment with a literal',
    query:
      '{ topProducts { upc ... on Product @include(if: false) { name } ... @skip(if: false) { price } } }',
  },
  {
    name: '__typename everywhere',
    query:
      '{ __typename users { __typename id } topProducts { __typename reviews { __typename author { __typename } } } things { __typename } }',
  },
  {
    name: 'aliased __typename',
    query: '{ items { t: __typename ... on Book { kind: __typename } } }',
  },
  { name: 'only __typename (no fetch)', query: '{ __typename }' },
  { name: '@shareable field from either subgraph', query: '{ inventory { upc name inStock } }' },
  {
    name: 'deeply nested cross-subgraph entities',
    query:
      '{ reviews { product { reviews { author { reviews { product { name shippingEstimate } } } } } } }',
  },
  {
    name: 'subgraph errors inside entities (paths rewritten)',
    query: '{ users { id reviews { id } } }',
  },
  {
    name: 'variables used by an entity fetch',
    query: 'query ($min: Int) { topProducts { upc reviewsAbove(rating: $min) { id rating } } }',
    variables: { min: 2 },
  },
  {
    name: 'operation picked by name',
    query: 'query A { users { id } } query B { topProducts { upc } }',
    operationName: 'B',
  },
  {
    name: 'the same field twice, merged',
    query: '{ user(id: "u1") { reviews { id } reviews { body product { name } } } }',
  },
  {
    name: 'a subgraph that is down, at the root',
    query: '{ legacyStatus }',
  },
  {
    name: 'a subgraph that is down, with another that is up',
    query: '{ legacyStatus topProducts { name } }',
  },
  {
    name: 'non-null entity field of a subgraph that is down (null propagation)',
    query: '{ users { id legacyScore } }',
  },
  {
    name: 'non-null field answered null (propagation, valueCompletion)',
    query: '{ ledger { id total } }',
    ledger: ledgerJson({ data: { ledger: { id: 'l1', total: null } } }),
  },
  {
    name: 'an enum value the schema does not have',
    query: '{ ledger { id kind } }',
    ledger: ledgerJson({ data: { ledger: { id: 'l1', kind: 'BOGUS' } } }),
  },
  {
    name: 'a null element of a list of non-null',
    query: '{ ledger { entries } }',
    ledger: ledgerJson({ data: { ledger: { entries: [1, null, 3] } } }),
  },
  {
    name: 'an unknown __typename',
    query: '{ ledger { owner { __typename ... on Person { name } } } }',
    ledger: ledgerJson({ data: { ledger: { owner: { __typename: 'Ghost', name: 'x' } } } }),
  },
  {
    name: 'union member by __typename',
    query: '{ ledger { owner { __typename ... on Person { name } ... on Company { title } } } }',
    ledger: ledgerJson({ data: { ledger: { owner: { __typename: 'Company', title: 'ACME' } } } }),
  },
  {
    name: 'errors with a path and a code of the subgraph',
    query: '{ ledger { id total } }',
    ledger: ledgerJson({
      data: { ledger: null },
      errors: [{ message: 'Ledger locked', path: ['ledger'], extensions: { code: 'LOCKED' } }],
    }),
  },
  {
    name: 'an error without a message or a code',
    query: '{ ledger { id } }',
    ledger: ledgerJson({ data: null, errors: [{ message: '' }] }),
  },
  {
    name: 'HTTP 500 with a text body',
    query: '{ ledger { id } }',
    ledger: { status: 500, contentType: 'text/plain', body: 'boom' },
  },
  {
    name: 'HTTP 401',
    query: '{ ledger { id } }',
    ledger: { ...ledgerJson({ errors: [{ message: 'no' }] }), status: 401 },
  },
  {
    name: 'a body that is not JSON',
    query: '{ ledger { id } }',
    ledger: { status: 200, contentType: 'text/html', body: '<html>' },
  },
  {
    name: 'an entity reached by another key than the one it was fetched with',
    query: '{ parcels { id sku { id region label carriers } } }',
  },
  {
    name: 'composite key at the root, then an entity with a nested key',
    query:
      '{ sku(id: "s1", region: "eu") { id region label carriers owner { handle org { id } rating } } }',
  },
  {
    name: 'a nested-key entity whose other subgraph has nothing extra',
    query: '{ sku(id: "s2", region: "eu") { owner { handle rating } } }',
  },
  {
    name: '@requires of a field with arguments (and a null required field)',
    query: '{ parcels { id cost(currency: "USD") eur: cost } }',
  },
  {
    name: 'an enum argument from a variable',
    query: 'query ($state: ParcelState) { parcels(state: $state) { id state } }',
    variables: { state: 'SHIPPED' },
  },
  {
    name: 'a list argument given one value (input coercion)',
    query: 'query ($ids: [ID!]!) { skus(ids: $ids) { id label carriers } }',
    variables: { ids: 's1' },
  },
  {
    name: 'an input object from a variable, its list given one value',
    query: 'query ($filter: SkuFilter) { skus(ids: ["s1", "s2"], filter: $filter) { id region } }',
    variables: { filter: { region: 'eu', labels: 'Kettle' } },
  },
  {
    name: 'a custom scalar passed through as the subgraph answered it',
    query: '{ parcels { sku { meta } } }',
  },
  {
    name: 'key fields aliased by the client',
    query: '{ parcels { sku { code: barcode where: region carriers } } }',
  },
  {
    name: 'the same entity twice in one list, and a null element',
    query: '{ skus(ids: ["s1", "s1", "missing"]) { id carriers } }',
  },
  {
    name: 'introspection (left to the gateway)',
    query: '{ __schema { queryType { name } } topProducts { upc } }',
  },
  {
    name: 'mutations across subgraphs, in order',
    query:
      'mutation { a: addUser(name: "x") { id name } r: addReview(body: "hi", authorId: "u1") { id body author { name } } b: addUser(name: "y") { id } }',
    mutation: true,
  },
  {
    name: 'mutation with variables',
    query: 'mutation ($name: String!) { addUser(name: $name) { id name } }',
    variables: { name: 'Zed' },
    mutation: true,
  },
];

interface ErrorView {
  message: string;
  serviceName?: unknown;
}

/**
 * Our view with the `serviceName` taken off errors the stock gateway gives
 * none (failed calls: HTTP statuses, bad bodies), after checking ours names a
 * subgraph there: the router tags every error of a subgraph call, the
 * gateway only those a subgraph answered.
 */
function untaggedLikeStock(ours: unknown, stock: unknown): unknown {
  const oursErrors = (ours as { errors?: ErrorView[] }).errors;
  const stockErrors = (stock as { errors?: ErrorView[] }).errors;
  if (!oursErrors || !stockErrors) return ours;
  return {
    ...(ours as object),
    errors: oursErrors.map((error, index) => {
      if (stockErrors[index]?.serviceName !== undefined || error.serviceName === undefined) {
        return error;
      }
      expect(typeof error.serviceName).toBe('string');
      return { ...error, serviceName: undefined };
    }),
  };
}

/**
 * The stock view as the router answers it: where completing values nulled the
 * whole of `data`, the gateway answers no `errors` at all (they are only in
 * extensions.valueCompletion), which tells a client nothing; the router
 * answers them as errors too.
 */
function withDataNulledErrors(view: unknown): unknown {
  const result = view as { data?: unknown; errors?: unknown[]; valueCompletion: unknown[] };
  if (result.data !== null || result.errors || result.valueCompletion.length === 0) return view;
  return { ...result, errors: result.valueCompletion };
}

/** What a client sees of a result: data, and of each error its message, path and code. */
function visible(result: ExecutionResult) {
  const errorView = (error: GraphQLFormattedError | Error) => {
    const formatted = error as GraphQLFormattedError;
    return {
      message: formatted.message,
      path: formatted.path,
      code: formatted.extensions?.code,
      serviceName: formatted.extensions?.serviceName,
    };
  };
  const completion = (result.extensions?.valueCompletion ?? []) as GraphQLFormattedError[];
  return JSON.parse(
    JSON.stringify({
      data: result.data,
      errors: result.errors?.map(errorView),
      valueCompletion: completion.map(errorView),
    }),
  ) as unknown;
}

describe('the query-plan executor, against @apollo/gateway’s executeQueryPlan on the same plans', () => {
  let fixture: FederatedFixture;
  let http: SubgraphHttpClient;
  let setup: GatewaySetup;
  const log = createLogger('executor-test', 'silent');
  const identity: Identity = { kind: 'user', userId: 'u1', role: 'CUSTOMER', scopes: ['customer'] };

  const newSetup = (options: GatewayOptions = {}) =>
    createGateway(fixture.supergraphSdl, http, {}, IDENTITY_SECRET, log, options);

  beforeAll(async () => {
    fixture = await startFederatedFixture();
    http = createSubgraphHttpClient({ timeoutMs: 5_000 });
    setup = newSetup();
  });

  afterAll(async () => {
    await http.close();
    await fixture.stop();
  });

  async function stock(testCase: Case): Promise<ExecutionResult> {
    const document = parse(testCase.query);
    const plan = await setup.executor.planOf(document, testCase.operationName);
    const variables = testCase.variables ?? {};
    const requestContext = {
      request: { variables, operationName: testCase.operationName },
      document,
      operationName: testCase.operationName ?? null,
      context: { identity, requestId: 'stock' },
      logger: log,
      metrics: {},
    };
    return executeQueryPlan(
      plan,
      setup.sources,
      requestContext as unknown as Parameters<typeof executeQueryPlan>[2],
      buildOperationContext({
        schema: setup.planner.schema,
        operationDocument: document,
        operationName: testCase.operationName,
      }),
      setup.planner.supergraphSchema,
      setup.planner.apiSchema,
    );
  }

  function ours(testCase: Case, executor = setup.executor): Promise<ExecutionResult> {
    return executor.execute({
      document: parse(testCase.query),
      operationName: testCase.operationName,
      variables: testCase.variables ?? {},
      identity,
      requestId: 'ours',
    });
  }

  it('sends the fetches to one subgraph that can run at once as one call, and splits the answer back', async () => {
    const callsTo = () =>
      Object.fromEntries(
        Object.entries(fixture.subgraphs).map(([name, subgraph]) => [name, subgraph!.calls.length]),
      );
    const made = async (run: () => Promise<ExecutionResult>) => {
      const before = callsTo();
      const result = await run();
      const after = callsTo();
      const calls = Object.fromEntries(
        Object.entries(after)
          .map(([name, count]) => [name, count - before[name]!] as const)
          .filter(([, count]) => count > 0),
      );
      return { result, calls };
    };
    // Users' and top products' reviews: two _entities fetches to reviews at the same moment,
    // one of them answering an error for one entity.
    const query = CASES.find((c) => c.name.startsWith('entity fetches of two root fields'))!;
    const theirs = await made(() => stock(query));
    const mine = await made(() => ours(query));

    expect(visible(mine.result)).toEqual(visible(theirs.result));
    expect(theirs.calls).toEqual({ accounts: 1, products: 1, reviews: 2 });
    expect(mine.calls).toEqual({ accounts: 1, products: 1, reviews: 1 });
    expect(mine.result.errors?.map((error) => [error.path, error.extensions?.serviceName])).toEqual(
      [[['users', 2, 'reviews'], 'reviews']],
    );
    const [merged] = fixture.subgraphs.reviews!.calls.slice(-1);
    expect(merged).toMatch(/_0:_entities\(representations:\$representations_0\)/);
    expect(merged).toMatch(/_1:_entities\(representations:\$representations_1\)/);
  });

  it('sends each distinct representation once and answers every entity it stands for', async () => {
    const query = CASES.find((c) => c.name.startsWith('one entity twice in one fetch'))!;
    const accounts = fixture.subgraphs.accounts!;
    const sentUsers = () =>
      (accounts.variables.at(-1)!.representations as { id: string }[]).map((user) => user.id);

    const expected = await stock(query);
    const stockSent = sentUsers();
    const actual = await ours(query);

    expect(visible(actual)).toEqual(visible(expected));
    expect(stockSent).toEqual(['u1', 'u2', 'u3', 'u1']);
    expect(sentUsers()).toEqual(['u1', 'u2', 'u3']);
    const authors = (actual.data as { reviews: { author: { name: string } }[] }).reviews.map(
      (review) => review.author,
    );
    // u1 wrote reviews 1 and 4: both get u1's name from the one representation.
    expect(authors[3]).toEqual({ id: 'u1', name: authors[0]!.name });
    expect(authors[0]!.name).toEqual(expect.any(String));
  });

  it('has at least 30 operations to compare', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))(
    '%s: same data and errors',
    async (_name, testCase) => {
      if (testCase.ledger) fixture.ledger.answer = testCase.ledger;
      fixture.resetMutations();
      const expected = await stock(testCase);
      const stockLog = [...fixture.mutationLog];
      fixture.resetMutations();
      const actual = await ours(testCase);
      const stockView = withDataNulledErrors(visible(expected));
      expect(untaggedLikeStock(visible(actual), stockView)).toEqual(stockView);
      expect(
        await setup.executor.runsOnGateway(parse(testCase.query), testCase.operationName),
      ).toBe(testCase.name.startsWith('introspection'));
      if (testCase.mutation) {
        expect(fixture.mutationLog).toEqual(stockLog);
        expect(fixture.mutationLog.length).toBeGreaterThan(0);
      }
    },
  );

  it('runs mutation fields one after another, in document order', async () => {
    fixture.resetMutations();
    const [, mutation] = [null, CASES.find((c) => c.name.startsWith('mutations across'))!];
    const result = await ours(mutation);
    expect(result.errors).toBeUndefined();
    expect(fixture.mutationLog).toEqual(['addUser x', 'addReview hi', 'addUser y']);
    expect(result.data).toEqual({
      a: { id: 'new-1', name: 'x' },
      r: { id: 'nr-1', body: 'hi', author: { name: 'Ada' } },
      b: { id: 'new-2' },
    });
  });

  it('names the subgraph in the error of a failed call (HTTP status, body that is not JSON)', async () => {
    for (const ledger of [
      { status: 500, contentType: 'text/plain', body: 'boom' },
      { status: 503, contentType: 'application/json', body: '{}' },
      { status: 200, contentType: 'application/json', body: 'not json' },
    ]) {
      fixture.ledger.answer = ledger;
      const result = await ours({ name: 'failed call', query: '{ ledger { id } }' });
      expect(result.errors?.map((error) => (error as GraphQLFormattedError).extensions)).toEqual([
        expect.objectContaining({ serviceName: 'ledger' }),
      ]);
    }
  });

  it('rewrites an error inside _entities to the path of the entity in the response', async () => {
    const result = await ours(CASES.find((c) => c.name.startsWith('subgraph errors inside'))!);
    expect(
      result.errors?.map((error) => [error.message, error.path, error.extensions?.code]),
    ).toEqual([['Reviews of u3 are sealed', ['users', 2, 'reviews'], 'SEALED']]);
    expect(result.errors?.[0]?.extensions?.serviceName).toBe('reviews');
  });

  it('plans survive a JSON round trip, and a second executor starts from the stored plans', async () => {
    const stored = new Map<string, string>();
    const reads: string[] = [];
    const planStore: PlanStore = {
      get: async (key) => {
        reads.push(key);
        return stored.get(key);
      },
      set: async (key, plan) => {
        stored.set(key, plan);
      },
    };
    const first = newSetup({ planStore });
    const queryCases = CASES.filter((c) => !c.mutation && !c.ledger);
    for (const testCase of queryCases) await ours(testCase, first.executor);
    const distinct = new Set(queryCases.map((c) => `${c.operationName}:${c.query}`)).size;
    expect(stored.size).toBe(distinct);
    for (const [, text] of stored) {
      const plan = parsePlan(text);
      expect(plan).toBeDefined();
      expect(serializePlan(plan!)).toBe(text);
    }

    const second = newSetup({ planStore });
    const planned = jest.spyOn(second.planner, 'plan');
    for (const testCase of queryCases) {
      expect(visible(await ours(testCase, second.executor))).toEqual(visible(await ours(testCase)));
    }
    expect(planned).not.toHaveBeenCalled();
    expect(new Set(reads).size).toBe(distinct);
  });

  it('asks a FetchCache before entity and root fetches of queries, and fills it from public answers', async () => {
    const entities = new Map<string, Record<string, unknown>>();
    const roots = new Map<string, Record<string, unknown>>();
    const policies: CachePolicy[] = [];
    const entityKey = (fetch: SubgraphFetch, representation: Record<string, unknown>) =>
      JSON.stringify([fetch.subgraph, fetch.operation, fetch.variables, representation]);
    const rootKey = (fetch: SubgraphFetch) =>
      JSON.stringify([fetch.subgraph, fetch.operation, fetch.variables]);
    const fetchCache: FetchCache = {
      getEntities: async (fetch, representations) =>
        representations.map((representation) => entities.get(entityKey(fetch, representation))),
      setEntities: (fetch, representations, answered, policy) => {
        policies.push(policy);
        representations.forEach((representation, index) => {
          entities.set(
            entityKey(fetch, representation),
            answered[index] as Record<string, unknown>,
          );
        });
      },
      getRoot: async (fetch) => roots.get(rootKey(fetch)),
      setRoot: (fetch, data, policy) => {
        policies.push(policy);
        roots.set(rootKey(fetch), data);
      },
    };
    const cached = newSetup({ fetchCache });
    const query: Case = {
      name: 'cached',
      query: '{ users { id name } topProducts { upc shippingEstimate inStock } }',
    };
    const { accounts, inventory, products } = fixture.subgraphs;
    const before = () => [accounts!.calls.length, inventory!.calls.length, products!.calls.length];

    const start = before();
    const first = await ours(query, cached.executor);
    const afterFirst = before();
    const second = await ours(query, cached.executor);
    const afterSecond = before();

    expect(visible(second)).toEqual(visible(first));
    expect(visible(first)).toEqual(visible(await stock(query)));
    // accounts (root) and inventory (entities) answer public: the second run asks neither.
    expect(afterFirst[0]! - start[0]!).toBe(1);
    expect(afterFirst[1]! - start[1]!).toBe(1);
    expect(afterSecond[0]).toBe(afterFirst[0]);
    expect(afterSecond[1]).toBe(afterFirst[1]);
    // products answers without a cache-control header: never stored, asked every time.
    expect(afterSecond[2]! - afterFirst[2]!).toBe(1);
    expect(
      policies.every((policy) => policy.scope === 'PUBLIC' && policy.maxAgeSeconds === 60),
    ).toBe(true);

    // A partial hit sends only the misses.
    const oneMore: Case = { name: 'more', query: '{ topProducts(first: 3) { upc inStock } }' };
    const inventoryBefore = inventory!.calls.length;
    expect(visible(await ours(oneMore, cached.executor))).toEqual(visible(await stock(oneMore)));
    expect(inventory!.calls.length - inventoryBefore).toBe(2); // ours sent p3 only, stock all three
  });
});
