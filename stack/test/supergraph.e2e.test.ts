import { graphqlRequest } from '@shop/testing';
import { productBySlug, seedData } from '@shop/seed';
import type { RunningStack } from '@shop/stack';
import { operationText } from './contract-operations';
import { startTestStack } from './support/test-stack';

describe('the supergraph through the router (six subgraphs, real PostgreSQL)', () => {
  let stack: RunningStack;
  beforeAll(async () => {
    stack = await startTestStack();
  }, 60_000);
  afterAll(() => stack.stop());

  const run = (operation: string, variables?: Record<string, unknown>) =>
    graphqlRequest(stack.router.url, operationText(operation), variables);

  it('answers ProductPage with fields from products, inventory and users', async () => {
    const reviewed = seedData.reviews[0]!;
    const product = seedData.products.find((candidate) => candidate.id === reviewed.productId)!;
    const author = seedData.users.find((user) => user.id === reviewed.authorId)!;
    const onHand = seedData.stock
      .filter((row) => row.productId === product.id)
      .reduce((sum, row) => sum + row.onHand, 0);

    const result = await run('ProductPage', { id: product.id });

    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    const page = (result.data as { product: Record<string, unknown> }).product;
    expect(page).toMatchObject({
      id: product.id,
      name: product.name,
      description: product.description,
      price: product.price,
      inventory: { available: onHand, inStock: onHand > 0 },
    });
    const reviews = page.reviews as { edges: { node: { author: { id: string; name: string } } }[] };
    expect(reviews.edges.map((edge) => edge.node.author)).toContainEqual({
      id: author.id,
      name: author.name,
    });
  });

  it('answers Categories with the tree', async () => {
    const result = await run('Categories');
    expect(result.errors).toBeUndefined();
    const categories = (
      result.data as { categories: { slug: string; parent: unknown; children: unknown[] }[] }
    ).categories;
    expect(categories.map((category) => category.slug).sort()).toEqual(
      seedData.categories.map((category) => category.slug).sort(),
    );
  });

  it('answers Products with stock from inventory and filters by stock', async () => {
    const all = await run('Products', { first: 100 });
    expect(all.errors).toBeUndefined();
    const connection = (
      all.data as {
        products: {
          totalCount: number;
          edges: { node: { id: string; inventory: { available: number; inStock: boolean } } }[];
        };
      }
    ).products;
    expect(connection.totalCount).toBe(seedData.products.length);
    for (const { node } of connection.edges) {
      const onHand = seedData.stock
        .filter((row) => row.productId === node.id)
        .reduce((sum, row) => sum + row.onHand, 0);
      expect(node.inventory).toEqual({ available: onHand, inStock: onHand > 0 });
    }

    const inStock = await run('Products', { first: 100, filter: { inStock: true } });
    const stocked = (
      inStock.data as { products: { edges: { node: { inventory: { inStock: boolean } } }[] } }
    ).products;
    expect(stocked.edges.length).toBeGreaterThan(0);
    expect(stocked.edges.every((edge) => edge.node.inventory.inStock)).toBe(true);
  });

  it('pages Products with cursors', async () => {
    const first = await run('Products', { first: 5 });
    const page = (
      first.data as {
        products: {
          pageInfo: { hasNextPage: boolean; endCursor: string };
          edges: { node: { id: string } }[];
        };
      }
    ).products;
    expect(page.pageInfo.hasNextPage).toBe(true);
    const second = await run('Products', { first: 5, after: page.pageInfo.endCursor });
    const next = (second.data as { products: { edges: { node: { id: string } }[] } }).products;
    const ids = [...page.edges, ...next.edges].map((edge) => edge.node.id);
    expect(new Set(ids).size).toBe(10);
  });

  it('answers an unknown product id with null, not an error', async () => {
    const result = await run('ProductPage', { id: '00000000-0000-4000-8000-000000000000' });
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ product: null });
  });

  it('answers malformed JSON with 400 and a GraphQL error', async () => {
    const response = await fetch(stack.router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ categories { id } ',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]!.message).toMatch(/JSON/);
  });

  it('answers an invalid query with 400 and a validation error', async () => {
    const result = await graphqlRequest(
      stack.router.url,
      '{ products(first: 1) { edges { node { nope } } } }',
    );
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('answers a syntax error with 400', async () => {
    const result = await graphqlRequest(stack.router.url, '{ products(first: ');
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('reports every subgraph healthy on /health', async () => {
    const response = await fetch(new URL('/health', stack.router.url));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      subgraphs: {
        users: 'ok',
        products: 'ok',
        orders: 'ok',
        payments: 'ok',
        inventory: 'ok',
        search: 'ok',
      },
    });
  });

  it('admits Apollo Studio’s origin in development, and no unknown origin', async () => {
    const preflight = (origin: string) =>
      fetch(stack.router.url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const studio = await preflight('https://studio.apollographql.com');
    expect(studio.headers.get('access-control-allow-origin')).toBe(
      'https://studio.apollographql.com',
    );
    const stranger = await preflight('https://evil.example');
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('resolves a product by slug lookup used by the storefront', async () => {
    const product = productBySlug(seedData.products[3]!.slug)!;
    const result = await graphqlRequest(
      stack.router.url,
      'query($slug: String!) { productBySlug(slug: $slug) { id name } }',
      {
        slug: product.slug,
      },
    );
    expect(result.data).toEqual({ productBySlug: { id: product.id, name: product.name } });
  });
});
