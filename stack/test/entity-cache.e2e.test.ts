import type { Identity } from '@shop/identity';
import {
  ADMIN_IDENTITY,
  graphqlRequest,
  identityHeaders,
  metricsOf,
  sampleOf,
  userIdentity,
} from '@shop/testing';
import { seedData } from '@shop/seed';
import {
  MeDocument,
  ProductPageDocument,
  RestockDocument,
  UpdatePriceDocument,
} from '../../clients/generated/operations';
import { signIn, signInAdmin, type Headers } from './support/shop';
import { startTestStack, type RunningStack } from './support/test-stack';

const [ada, grace] = seedData.users;
/** Products with reviews: their page calls products, inventory and users. */
const [firstReviewed, secondReviewed, thirdReviewed] = [
  ...new Set(seedData.reviews.map((review) => review.productId)),
];
const warehouse = seedData.warehouses[0]!;

describe('the router’s entity cache on the stack', () => {
  let stack: RunningStack;
  let admin: Headers;
  /** GraphQL calls each subgraph has served so far, counted at its own HTTP server. */
  const calls: Record<string, number> = {};

  beforeAll(async () => {
    stack = await startTestStack();
    for (const subgraph of stack.subgraphs) {
      calls[subgraph.name] = 0;
      subgraph.httpServer.on('request', (req: { method?: string; url?: string }) => {
        if (req.method === 'POST' && req.url?.startsWith('/graphql')) calls[subgraph.name]! += 1;
      });
    }
    admin = await signInAdmin(stack.router.url);
  }, 60_000);
  afterAll(() => stack.stop());

  const productPage = async (id: string, headers: Headers = {}) => {
    const result = await graphqlRequest(stack.router.url, ProductPageDocument, { id }, headers);
    expect(result.errors).toBeUndefined();
    return result.data!.product!;
  };
  /** How many calls each named subgraph receives while `work` runs. */
  const callsDuring = async (names: string[], work: () => Promise<unknown>) => {
    const before = names.map((name) => calls[name]!);
    await work();
    return Object.fromEntries(names.map((name, index) => [name, calls[name]! - before[index]!]));
  };

  /** The `cache-control` a subgraph answers a query with, called as the router would for `as`. */
  const cacheControlOf = async (
    name: string,
    query: string,
    variables: Record<string, unknown>,
    as: Identity,
  ) => {
    const subgraph = stack.subgraphs.find((candidate) => candidate.name === name)!;
    const response = await fetch(subgraph.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...identityHeaders(as, name),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { errors?: unknown };
    expect(body.errors).toBeUndefined();
    return response.headers.get('cache-control');
  };

  it('has subgraphs call public only what is the same for everyone', async () => {
    const [asAda, asGrace] = [userIdentity(ada!.id), userIdentity(grace!.id)];
    const user = (fields: string) =>
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { ${fields} } } }`;
    const adaRef = { r: [{ __typename: 'User', id: ada!.id }] };
    expect(await cacheControlOf('users', user('name'), adaRef, asGrace)).toBe(
      'max-age=300, public',
    );
    // Her own email, asked by herself: still never reusable for anyone.
    expect(await cacheControlOf('users', user('name email'), adaRef, asAda)).toBe('no-store');
    expect(await cacheControlOf('users', '{ me { name } }', {}, asAda)).toBe('no-store');

    const page = `query($id: ID!) { product(id: $id) { name price { amount } category { name }
      reviews(first: 2) { totalCount pageInfo { hasNextPage } edges { node { rating author { id } } } } } }`;
    expect(await cacheControlOf('products', page, { id: firstReviewed }, asAda)).toBe(
      'max-age=60, public',
    );
    const stock = (fields: string) =>
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { inventory { ${fields} } } } }`;
    const productRef = { r: [{ __typename: 'Product', id: firstReviewed }] };
    expect(await cacheControlOf('inventory', stock('available inStock'), productRef, asAda)).toBe(
      'max-age=5, public',
    );
    // Per-warehouse stock (ADMINs' only) carries no hint: not cached.
    expect(
      await cacheControlOf('inventory', stock('warehouses { onHand }'), productRef, ADMIN_IDENTITY),
    ).toBe('no-store');
  });

  it('answers a product page seen before without calling products, inventory or users, and counts the hits', async () => {
    let first: unknown;
    let second: unknown;
    const firstCalls = await callsDuring(['products', 'inventory', 'users'], async () => {
      first = await productPage(firstReviewed!);
    });
    // The page defers its reviews; asked without multipart, it is planned as if it did not.
    expect(firstCalls).toEqual({ products: 1, inventory: 1, users: 1 });
    // Anonymous or signed in, the page is the same public data.
    const lookups = async () => {
      const text = await metricsOf(stack.router.url);
      const count = (kind: string, result: string) =>
        sampleOf(text, 'router_entity_cache_lookups_total', { kind, result });
      return { rootHits: count('root', 'hit'), entityHits: count('entity', 'hit') };
    };
    const before = await lookups();
    const secondCalls = await callsDuring(['products', 'inventory', 'users'], async () => {
      second = await productPage(firstReviewed!, admin);
    });
    expect(secondCalls).toEqual({ products: 0, inventory: 0, users: 0 });
    expect(second).toEqual(first);
    // The product from products' root answer; its stock and the reviewers from entity entries.
    const after = await lookups();
    expect(after.rootHits - before.rootHits).toBe(1);
    expect(after.entityHits - before.entityHits).toBeGreaterThanOrEqual(2);
  });

  it('shows a new price on the very next page after UpdatePrice', async () => {
    const before = await productPage(secondReviewed!);
    const amount = before.price.amount + 123;
    const updated = await graphqlRequest(
      stack.router.url,
      UpdatePriceDocument,
      { productId: secondReviewed!, price: { amount, currency: before.price.currency } },
      admin,
    );
    expect(updated.errors).toBeUndefined();
    expect((await productPage(secondReviewed!)).price.amount).toBe(amount);
  });

  it('shows the new availability on the very next page after Restock', async () => {
    const before = await productPage(thirdReviewed!);
    const restocked = await graphqlRequest(
      stack.router.url,
      RestockDocument,
      { input: { productId: thirdReviewed!, warehouseId: warehouse.id, quantity: 7 } },
      admin,
    );
    expect(restocked.errors).toBeUndefined();
    const after = await productPage(thirdReviewed!);
    expect(after.inventory!.available).toBe(before.inventory!.available + 7);
  });

  it('never serves one user’s Me to another, nor from cache to the same user', async () => {
    const adaHeaders = await signIn(stack.router.url, ada!.email, 'customer-dev-password');
    const graceHeaders = await signIn(stack.router.url, grace!.email, 'customer-dev-password');
    const me = async (headers: Headers) => {
      const result = await graphqlRequest(stack.router.url, MeDocument, undefined, headers);
      expect(result.errors).toBeUndefined();
      return result.data!.me!;
    };
    const answers: { email: string | null | undefined }[] = [];
    const usersCalls = await callsDuring(['users'], async () => {
      for (const headers of [adaHeaders, graceHeaders, adaHeaders]) answers.push(await me(headers));
    });
    expect(answers.map((answer) => answer.email)).toEqual([ada!.email, grace!.email, ada!.email]);
    expect(usersCalls).toEqual({ users: 3 });
  });
});
