import {
  graphqlRequest,
  prepareTestDatabase,
  queryTestDatabase,
  testSubgraphSettings,
  ADMIN_IDENTITY,
  identityHeaders,
} from '@shop/testing';
import { productBySlug, seedData } from '@shop/seed';
import { startProductsSubgraph } from '@shop/products';

type Running = Awaited<ReturnType<typeof startProductsSubgraph>>;

describe('products subgraph (real PostgreSQL)', () => {
  let subgraph: Running;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('products');
    subgraph = await startProductsSubgraph(
      {
        ...testSubgraphSettings(databaseUrl),
      },
      { seed: true },
    );
  });
  afterAll(() => subgraph.stop());

  const query = (text: string, variables?: Record<string, unknown>) =>
    graphqlRequest(subgraph.url, text, variables, identityHeaders(ADMIN_IDENTITY));

  it('serves the category tree', async () => {
    const result = await query('{ categories { id slug parent { id } children { id } } }');
    const categories = (
      result.data as {
        categories: { id: string; parent: { id: string } | null; children: unknown[] }[];
      }
    ).categories;
    expect(categories).toHaveLength(seedData.categories.length);
    const roots = categories.filter((category) => category.parent === null);
    expect(roots.length).toBe(
      seedData.categories.filter((category) => category.parentId === null).length,
    );
    expect(roots.every((root) => root.children.length > 0)).toBe(true);
  });

  it('paginates products by cursor without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const result = await query(
        'query($after: String) { products(first: 7, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      const page = (
        result.data as {
          products: {
            totalCount: number;
            edges: { node: { id: string } }[];
            pageInfo: { hasNextPage: boolean; endCursor: string };
          };
        }
      ).products;
      expect(page.totalCount).toBe(seedData.products.length);
      seen.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seedData.products.length);
  });

  it('filters by category including its descendants, price range and stock', async () => {
    const root = seedData.categories.find((category) => category.parentId === null)!;
    const leaves = new Set(
      seedData.categories.filter((category) => category.parentId === root.id).map((c) => c.id),
    );
    const expected = seedData.products.filter(
      (product) => leaves.has(product.categoryId) && product.price.amount >= 5000,
    );
    const result = await query(
      'query($filter: ProductFilter) { products(first: 100, filter: $filter) { totalCount edges { node { id price { amount } } } } }',
      { filter: { categoryId: root.id, minPrice: 5000 } },
    );
    const products = (result.data as { products: { totalCount: number } }).products;
    expect(products.totalCount).toBe(expected.length);

    const outOfStock = await query(
      '{ products(first: 100, filter: { inStock: false }) { totalCount } }',
    );
    const stocked = new Set(
      seedData.stock.filter((row) => row.onHand > 0).map((row) => row.productId),
    );
    expect((outOfStock.data as { products: { totalCount: number } }).products.totalCount).toBe(
      seedData.products.filter((product) => !stocked.has(product.id)).length,
    );
  });

  it('answers an unknown or malformed product id with null', async () => {
    const result = await query(
      '{ a: product(id: "00000000-0000-4000-8000-000000000000") { id } b: product(id: "x") { id } }',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ a: null, b: null });
  });

  it('refuses page sizes over 100 with BAD_USER_INPUT', async () => {
    const result = await query('{ products(first: 101) { totalCount } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('resolves product references, null for unknown ids', async () => {
    const product = productBySlug(seedData.products[0]!.slug)!;
    const result = await query(
      'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { id name averageRating reviews(first: 2) { totalCount } } } }',
      {
        reps: [
          { __typename: 'Product', id: product.id },
          { __typename: 'Product', id: '00000000-0000-4000-8000-000000000000' },
        ],
      },
    );
    expect(result.errors).toBeUndefined();
    expect((result.data as { _entities: unknown[] })._entities).toEqual([
      expect.objectContaining({ id: product.id, name: product.name }),
      null,
    ]);
  });

  it('keeps its tables in its own schema', async () => {
    const rows = await queryTestDatabase<{ count: string }>(
      databaseUrl,
      'SELECT count(*) FROM "Product"',
    );
    expect(Number(rows[0]!.count)).toBe(seedData.products.length);
  });
});
