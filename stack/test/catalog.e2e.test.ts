import { graphqlRequest } from '@shop/testing';
import { seedData } from '@shop/seed';
import type { RunningStack } from './support/test-stack';
import {
  AddReviewDocument,
  CreateProductDocument,
  LoginDocument,
  ProductPageDocument,
  ProductsDocument,
  RestockDocument,
  SearchDocument,
  SearchSuggestionsDocument,
  UpdatePriceDocument,
} from '../../clients/generated/operations';
import { startTestStack } from './support/test-stack';

const leafCategory = seedData.categories.find(
  (category) =>
    category.parentId !== null &&
    seedData.products.some((product) => product.categoryId === category.id),
)!;
const [ada, grace] = seedData.users;

/** Polls until the condition holds, and says how long that took. */
async function within<T>(
  ms: number,
  probe: () => Promise<T | undefined>,
): Promise<{ value: T; elapsed: number }> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return { value, elapsed: Date.now() - started };
    if (Date.now() - started > ms) throw new Error(`not true within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('catalog, inventory and search through the router, with events between subgraphs', () => {
  let stack: RunningStack;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    stack = await startTestStack();
    for (const [name, email, password] of [
      ['admin', 'admin@shop.local', 'admin-dev-password'],
      ['ada', ada!.email, 'customer-dev-password'],
      ['grace', grace!.email, 'customer-dev-password'],
    ] as const) {
      const login = await graphqlRequest(stack.router.url, LoginDocument, { email, password });
      tokens[name] = login.data!.login.accessToken;
    }
  }, 60_000);
  afterAll(() => stack.stop());

  const as = (who: string | null): Record<string, string> =>
    who ? { authorization: `Bearer ${tokens[who]}` } : {};
  const url = () => stack.router.url;
  const create = (who: string | null, name: string, amount = 4_200) =>
    graphqlRequest(
      url(),
      CreateProductDocument,
      {
        input: {
          name,
          description: 'Hand-stitched waterproof panniers for long-distance touring.',
          categoryId: leafCategory.id,
          price: { amount, currency: 'USD' },
        },
      },
      as(who),
    );
  const search = (query: string, who: string | null = null) =>
    graphqlRequest(url(), SearchDocument, { query, first: 10 }, as(who));

  it('creates a product as ADMIN that search finds within 2 s, refused to customers and anonymous callers', async () => {
    const created = await create('admin', 'Quokka Touring Panniers');
    expect(created.errors).toBeUndefined();
    const product = created.data!.createProduct;
    expect(product).toMatchObject({
      name: 'Quokka Touring Panniers',
      category: { id: leafCategory.id },
    });

    const { elapsed } = await within(2_000, async () => {
      const result = await search('quokka panniers');
      return result.data?.search.edges.find((edge) => edge.node.id === product.id);
    });
    expect(elapsed).toBeLessThan(2_000);

    expect((await create('ada', 'Customer Product')).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await create(null, 'Anonymous Product')).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    const found = await search('customer product anonymous');
    expect(found.data!.search.edges.map((edge) => edge.node.name)).not.toContain(
      'Customer Product',
    );
  });

  it('changes a price as ADMIN, and search shows the new price within 2 s', async () => {
    const product = (await create('admin', 'Wombat Trail Stove')).data!.createProduct;
    const changed = await graphqlRequest(
      url(),
      UpdatePriceDocument,
      { productId: product.id, price: { amount: 9_900, currency: 'USD' } },
      as('admin'),
    );
    expect(changed.data!.updatePrice.price).toEqual({ amount: 9_900, currency: 'USD' });
    await within(2_000, async () => {
      const result = await search('wombat stove');
      const edge = result.data?.search.edges.find((candidate) => candidate.node.id === product.id);
      return edge?.node.price.amount === 9_900 ? edge : undefined;
    });
    const forbidden = await graphqlRequest(
      url(),
      UpdatePriceDocument,
      { productId: product.id, price: { amount: 1, currency: 'USD' } },
      as('grace'),
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('restocks as ADMIN: the product page, the in-stock filter and search facets follow', async () => {
    const product = (await create('admin', 'Numbat Headlamp')).data!.createProduct;
    const warehouse = seedData.warehouses[0]!;
    const restocked = await graphqlRequest(
      url(),
      RestockDocument,
      { input: { productId: product.id, warehouseId: warehouse.id, quantity: 12 } },
      as('admin'),
    );
    expect(restocked.errors).toBeUndefined();
    expect(restocked.data!.restock).toMatchObject({
      productId: product.id,
      available: 12,
      inStock: true,
      warehouses: [
        { warehouse: { id: warehouse.id, name: warehouse.name }, onHand: 12, reserved: 0 },
      ],
    });

    const page = await graphqlRequest(url(), ProductPageDocument, { id: product.id });
    expect(page.data!.product!.inventory).toEqual({ available: 12, inStock: true });
    await within(2_000, async () => {
      const listed = await graphqlRequest(url(), ProductsDocument, {
        first: 100,
        filter: { inStock: true, categoryId: leafCategory.id },
      });
      return listed.data?.products.edges.find((edge) => edge.node.id === product.id);
    });
    await within(2_000, async () => {
      const result = await search('numbat headlamp');
      const edge = result.data?.search.edges.find((candidate) => candidate.node.id === product.id);
      return edge?.node.inventory?.inStock ? edge : undefined;
    });

    const negative = await graphqlRequest(
      url(),
      RestockDocument,
      { input: { productId: product.id, warehouseId: warehouse.id, quantity: -3 } },
      as('admin'),
    );
    expect(negative.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const customer = await graphqlRequest(
      url(),
      RestockDocument,
      { input: { productId: product.id, warehouseId: warehouse.id, quantity: 3 } },
      as('ada'),
    );
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lets a verified buyer review once, and keeps the average right', async () => {
    const reviewed = new Set(
      seedData.reviews.filter((review) => review.authorId === ada!.id).map((r) => r.productId),
    );
    const bought = seedData.deliveredOrders
      .filter((order) => order.userId === ada!.id)
      .flatMap((order) => order.items.map((item) => item.productId))
      .find((productId) => !reviewed.has(productId))!;
    const before = (await graphqlRequest(url(), ProductPageDocument, { id: bought })).data!
      .product!;

    const review = await graphqlRequest(
      url(),
      AddReviewDocument,
      { input: { productId: bought, rating: 4, title: 'Solid', body: 'Does what it says.' } },
      as('ada'),
    );
    expect(review.errors).toBeUndefined();
    expect(review.data!.addReview.product).toMatchObject({
      id: bought,
      reviewCount: before.reviewCount + 1,
    });

    const again = await graphqlRequest(
      url(),
      AddReviewDocument,
      { input: { productId: bought, rating: 5, body: 'Twice' } },
      as('ada'),
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const notBought = await graphqlRequest(
      url(),
      AddReviewDocument,
      { input: { productId: bought, rating: 5, body: 'Never bought it' } },
      as('grace'),
    );
    expect(notBought.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (const rating of [0, 6]) {
      const bad = await graphqlRequest(
        url(),
        AddReviewDocument,
        { input: { productId: bought, rating, body: 'Out of range' } },
        as('grace'),
      );
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('searches with facets over the whole result set, and suggests by prefix', async () => {
    const result = await graphqlRequest(url(), SearchDocument, { query: 'wireless', first: 1 });
    expect(result.errors).toBeUndefined();
    const { totalCount, edges, facets } = result.data!.search;
    expect(edges).toHaveLength(1);
    expect(totalCount).toBeGreaterThan(1);
    const counted = facets.categories.reduce((sum, facet) => sum + facet.count, 0);
    expect(counted).toBe(totalCount);
    expect(facets.categories.every((facet) => typeof facet.category.name === 'string')).toBe(true);
    expect(facets.inStock.reduce((sum, facet) => sum + facet.count, 0)).toBe(totalCount);

    const suggestions = await graphqlRequest(url(), SearchSuggestionsDocument, { prefix: 'wire' });
    expect(suggestions.errors).toBeUndefined();
    expect(suggestions.data!.searchSuggestions.length).toBeGreaterThan(0);
  });

  it('refuses empty searches and pages over 100', async () => {
    expect((await search('   ')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const large = await graphqlRequest(url(), ProductsDocument, { first: 101 });
    expect(large.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
