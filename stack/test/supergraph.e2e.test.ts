import { graphqlRequest } from '@shop/testing';
import { productBySlug, seedData } from '@shop/seed';
import type { RunningStack } from './support/test-stack';
import {
  CategoriesDocument,
  ProductPageDocument,
  ProductsDocument,
} from '../../clients/generated/operations';
import { startTestStack } from './support/test-stack';

const stockOf = (productId: string) =>
  seedData.stock
    .filter((row) => row.productId === productId)
    .reduce((sum, row) => sum + row.onHand, 0);

describe('the supergraph through the router (seven subgraphs, real PostgreSQL)', () => {
  let stack: RunningStack;
  beforeAll(async () => {
    stack = await startTestStack();
  }, 60_000);
  afterAll(() => stack.stop());

  const url = () => stack.router.url;

  it('answers ProductPage with fields from products, inventory and users', async () => {
    const reviewed = seedData.reviews[0]!;
    const product = seedData.products.find((candidate) => candidate.id === reviewed.productId)!;
    const author = seedData.users.find((user) => user.id === reviewed.authorId)!;

    const result = await graphqlRequest(url(), ProductPageDocument, { id: product.id });

    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    const page = result.data!.product!;
    expect(page).toMatchObject({
      id: product.id,
      name: product.name,
      description: product.description,
      price: product.price,
      inventory: { available: stockOf(product.id), inStock: stockOf(product.id) > 0 },
    });
    // Deferred in the operation; a client without multipart in Accept gets them at once.
    expect(page.reviews?.edges.map((edge) => edge.node.author)).toContainEqual({
      id: author.id,
      name: author.name,
    });
    expect(page.reviewCount).toBe(
      seedData.reviews.filter((review) => review.productId === product.id).length,
    );
  });

  it('answers Categories with the tree', async () => {
    const result = await graphqlRequest(url(), CategoriesDocument);
    expect(result.errors).toBeUndefined();
    const categories = result.data!.categories;
    expect(categories.map((category) => category.slug).sort()).toEqual(
      seedData.categories.map((category) => category.slug).sort(),
    );
    const child = categories.find((category) => category.parent !== null)!;
    expect(
      categories.find((category) => category.id === child.parent!.id)!.children,
    ).toContainEqual(expect.objectContaining({ id: child.id }));
  });

  it('answers Products with stock from inventory and filters by stock', async () => {
    const all = await graphqlRequest(url(), ProductsDocument, { first: 100 });
    expect(all.errors).toBeUndefined();
    const connection = all.data!.products;
    expect(connection.totalCount).toBe(seedData.products.length);
    for (const { node } of connection.edges) {
      expect(node.inventory).toEqual({
        available: stockOf(node.id),
        inStock: stockOf(node.id) > 0,
      });
    }

    const inStock = await graphqlRequest(url(), ProductsDocument, {
      first: 100,
      filter: { inStock: true },
    });
    const stocked = inStock.data!.products.edges;
    expect(stocked.length).toBe(
      seedData.products.filter((product) => stockOf(product.id) > 0).length,
    );
    expect(stocked.every((edge) => edge.node.inventory?.inStock)).toBe(true);
  });

  it('pages Products with cursors', async () => {
    const first = await graphqlRequest(url(), ProductsDocument, { first: 5 });
    const page = first.data!.products;
    expect(page.pageInfo.hasNextPage).toBe(true);
    const second = await graphqlRequest(url(), ProductsDocument, {
      first: 5,
      after: page.pageInfo.endCursor,
    });
    const ids = [...page.edges, ...second.data!.products.edges].map((edge) => edge.node.id);
    expect(new Set(ids).size).toBe(10);
  });

  it('answers an unknown product id with null, not an error', async () => {
    const result = await graphqlRequest(url(), ProductPageDocument, {
      id: '00000000-0000-4000-8000-000000000000',
    });
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ product: null });
  });

  it('answers malformed JSON with 400 and a GraphQL error', async () => {
    const response = await fetch(url(), {
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
      url(),
      '{ products(first: 1) { edges { node { nope } } } }',
    );
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('answers a syntax error with 400', async () => {
    const result = await graphqlRequest(url(), '{ products(first: ');
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('reports every subgraph healthy on /health', async () => {
    const response = await fetch(new URL('/health', url()));
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
        notifications: 'ok',
      },
    });
  });

  it('admits Apollo Studio’s origin in development, and no unknown origin', async () => {
    const preflight = (origin: string) =>
      fetch(url(), {
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

  // Not Apollo Sandbox's embed, which loads from Apollo's site and shows nothing offline
  // (storefront.browser.test.ts runs a query in it with the outside cut off).
  it('serves the bundled GraphiQL to a browser opening /graphql in development', async () => {
    const response = await fetch(url(), { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<title>Shop GraphiQL</title>');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
  });

  it('finds a product by slug', async () => {
    const product = productBySlug(seedData.products[3]!.slug)!;
    const result = await graphqlRequest<{ productBySlug: { id: string; name: string } | null }>(
      url(),
      'query($slug: String!) { productBySlug(slug: $slug) { id name } }',
      { slug: product.slug },
    );
    expect(result.data).toEqual({ productBySlug: { id: product.id, name: product.name } });
  });
});
