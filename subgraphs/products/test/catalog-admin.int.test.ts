import { randomUUID } from 'node:crypto';
import { createEventBus, type EventBus, type EventEnvelope, type Subscription } from '@shop/events';
import type { Identity } from '@shop/identity';
import { createLogger, parsePlaceholderImage } from '@shop/platform';
import { startProductsSubgraph } from '@shop/products';
import { seedData } from '@shop/seed';
import {
  ADMIN_IDENTITY,
  errorCodes,
  eventually,
  graphqlRequest,
  identityHeaders,
  prepareTestDatabase,
  testEventsSettings,
  testSubgraphSettings,
  userIdentity,
} from '@shop/testing';

type Running = Awaited<ReturnType<typeof startProductsSubgraph>>;

interface Image {
  url: string;
  alt: string;
  width: number;
  height: number;
}
interface ProductResult {
  id: string;
  name: string;
  description: string;
  archivedAt: string | null;
  category: { id: string };
  images: Image[];
}
interface Page {
  totalCount: number;
  edges: { node: { id: string; archivedAt: string | null } }[];
}

const ANONYMOUS: Identity = { kind: 'anonymous' };
const CUSTOMER = userIdentity(randomUUID());
const PRODUCT = 'id name description archivedAt category { id } images { url alt width height }';
const GET_PRODUCT = `query($id: ID!) { product(id: $id) { ${PRODUCT} } }`;
const CREATE_PRODUCT = `mutation($input: CreateProductInput!) { createProduct(input: $input) { ${PRODUCT} } }`;
const UPDATE_PRODUCT = `mutation($productId: ID!, $input: UpdateProductInput!) {
  updateProduct(productId: $productId, input: $input) { ${PRODUCT} } }`;
const ARCHIVE_PRODUCT = `mutation($productId: ID!) { archiveProduct(productId: $productId) { ${PRODUCT} } }`;
const LISTING = `query($filter: ProductFilter) {
  products(first: 100, filter: $filter) { totalCount edges { node { id archivedAt } } } }`;
const ALL_PRODUCTS = `query($filter: ProductFilter, $archived: Boolean) {
  allProducts(first: 100, filter: $filter, archived: $archived) { totalCount edges { node { id archivedAt } } } }`;

const leaves = seedData.categories.filter(
  (candidate) => !seedData.categories.some((child) => child.parentId === candidate.id),
);
const [category, otherCategory] = leaves as [(typeof leaves)[0], (typeof leaves)[0]];
const seeded = seedData.products[0]!;

describe('products: images, editing and archiving by ADMINs (real PostgreSQL)', () => {
  let subgraph: Running;
  let bus: EventBus;
  let tap: Subscription;
  const published: EventEnvelope[] = [];

  beforeAll(async () => {
    const events = await testEventsSettings();
    bus = createEventBus(events, createLogger('products-admin-test', 'silent'));
    tap = bus.subscribe({
      stream: 'products.events',
      group: 'products-admin-test',
      handler: async (events) => {
        published.push(...events);
      },
    });
    const databaseUrl = await prepareTestDatabase('products');
    subgraph = await startProductsSubgraph(
      { ...testSubgraphSettings(databaseUrl), ...events },
      { seed: true, bus },
    );
  });
  afterAll(async () => {
    await subgraph.stop();
    await tap.stop();
    await bus.close();
  });

  const call = <Data = Record<string, unknown>>(
    identity: Identity,
    query: string,
    variables?: Record<string, unknown>,
  ) => graphqlRequest<Data>(subgraph.url, query, variables, identityHeaders(identity));

  const eventsAbout = (aggregateId: string, type: string) =>
    published.filter((event) => event.aggregateId === aggregateId && event.type === type);

  const createProduct = async (name: string) => {
    const response = await call<{ createProduct: ProductResult }>(ADMIN_IDENTITY, CREATE_PRODUCT, {
      input: {
        name,
        description: 'Made for the tests.',
        categoryId: category.id,
        price: { amount: 1999, currency: 'USD' },
      },
    });
    expect(response.errors).toBeUndefined();
    return response.data!.createProduct;
  };

  describe('images', () => {
    it('gives every seeded product its placeholder illustration, drawn from its name and category', async () => {
      const response = await call<{ product: ProductResult }>(ANONYMOUS, GET_PRODUCT, {
        id: seeded.id,
      });
      const [image, ...more] = response.data!.product.images;
      expect(more).toEqual([]);
      expect(image).toEqual({
        url: expect.stringMatching(/^\/images\/placeholder\.svg\?/),
        alt: `${seeded.name} (placeholder illustration)`,
        width: 800,
        height: 600,
      });
      const categoryName = seedData.categories.find((c) => c.id === seeded.categoryId)!.name;
      expect(parsePlaceholderImage(image!.url.slice(image!.url.indexOf('?')))).toEqual({
        title: seeded.name,
        subtitle: categoryName,
        width: 800,
        height: 600,
      });
    });

    it('gives a new product its placeholder too', async () => {
      const product = await createProduct('Brand New Kettle');
      expect(product.images).toEqual([
        expect.objectContaining({ alt: 'Brand New Kettle (placeholder illustration)' }),
      ]);
    });
  });

  describe('updateProduct', () => {
    it('changes what is given, keeps the rest, and announces ProductUpdated with a newer version', async () => {
      const product = await createProduct('Plain Mug');
      const images = [
        {
          url: 'https://cdn.example.com/mug-front.jpg',
          alt: 'The mug from the front',
          width: 1200,
          height: 900,
        },
        {
          url: '/images/placeholder.svg?title=Mug&w=400&h=300',
          alt: 'A drawing of the mug',
          width: 400,
          height: 300,
        },
      ];
      const response = await call<{ updateProduct: ProductResult }>(
        ADMIN_IDENTITY,
        UPDATE_PRODUCT,
        {
          productId: product.id,
          input: { name: '  Speckled Mug ', categoryId: otherCategory.id, images },
        },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data!.updateProduct).toEqual({
        ...product,
        name: 'Speckled Mug',
        category: { id: otherCategory.id },
        images,
      });
      const read = await call<{ product: ProductResult }>(ANONYMOUS, GET_PRODUCT, {
        id: product.id,
      });
      expect(read.data!.product).toEqual(response.data!.updateProduct);

      const [updated] = await eventually(() => {
        const events = eventsAbout(product.id, 'ProductUpdated');
        expect(events).toHaveLength(1);
        return events;
      });
      const [createdEvent] = eventsAbout(product.id, 'ProductCreated');
      expect(updated!.version).toBe(createdEvent!.version + 1);
      expect(updated!.data).toMatchObject({
        name: 'Speckled Mug',
        categoryId: otherCategory.id,
        categoryName: otherCategory.name,
        archived: false,
      });
    });

    it('replaces only the pictures, announcing nothing, when only they change', async () => {
      const product = await createProduct('Quiet Lamp');
      const response = await call<{ updateProduct: ProductResult }>(
        ADMIN_IDENTITY,
        UPDATE_PRODUCT,
        {
          productId: product.id,
          input: { name: 'Quiet Lamp', images: [] },
        },
      );
      expect(response.data!.updateProduct.images).toEqual([]);
      await eventually(() => expect(eventsAbout(product.id, 'ProductCreated')).toHaveLength(1));
      expect(eventsAbout(product.id, 'ProductUpdated')).toEqual([]);
    });

    it.each([
      [
        'a script URL',
        { images: [{ url: 'javascript:alert(1)', alt: 'x', width: 1, height: 1 }] },
        'images.0.url',
      ],
      [
        'a protocol-relative URL',
        { images: [{ url: '//evil.example/x.png', alt: 'x', width: 1, height: 1 }] },
        'images.0.url',
      ],
      [
        'no alt text',
        { images: [{ url: '/a.png', alt: ' ', width: 1, height: 1 }] },
        'images.0.alt',
      ],
      [
        'a zero width',
        { images: [{ url: '/a.png', alt: 'a', width: 0, height: 1 }] },
        'images.0.width',
      ],
      ['an empty name', { name: '   ' }, 'name'],
      ['an unknown category', { categoryId: randomUUID() }, 'categoryId'],
    ])('refuses %s with BAD_USER_INPUT naming the field', async (_case, input, field) => {
      const product = await createProduct(`Refused ${field}`);
      const response = await call(ADMIN_IDENTITY, UPDATE_PRODUCT, { productId: product.id, input });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors![0]!.extensions).toMatchObject({ field });
      const read = await call<{ product: ProductResult }>(ANONYMOUS, GET_PRODUCT, {
        id: product.id,
      });
      expect(read.data!.product).toEqual(product);
    });

    it('answers NOT_FOUND for an unknown product', async () => {
      const response = await call(ADMIN_IDENTITY, UPDATE_PRODUCT, {
        productId: randomUUID(),
        input: { name: 'Nobody' },
      });
      expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    });
  });

  describe('archiveProduct and allProducts', () => {
    it('takes a product out of the listing, keeps it readable and in allProducts, and announces it once', async () => {
      const product = await createProduct('Retired Teapot');
      const filter = { categoryId: category.id };
      const listed = async () =>
        (await call<{ products: Page }>(ANONYMOUS, LISTING, { filter })).data!.products;
      const before = await listed();
      expect(before.edges.map((edge) => edge.node.id)).toContain(product.id);

      const first = await call<{ archiveProduct: ProductResult }>(ADMIN_IDENTITY, ARCHIVE_PRODUCT, {
        productId: product.id,
      });
      expect(first.errors).toBeUndefined();
      const { archivedAt } = first.data!.archiveProduct;
      expect(new Date(archivedAt!).getTime()).toBeGreaterThan(Date.now() - 60_000);
      const again = await call<{ archiveProduct: ProductResult }>(ADMIN_IDENTITY, ARCHIVE_PRODUCT, {
        productId: product.id,
      });
      expect(again.data!.archiveProduct.archivedAt).toBe(archivedAt);

      const after = await listed();
      expect(after.totalCount).toBe(before.totalCount - 1);
      expect(after.edges.map((edge) => edge.node.id)).not.toContain(product.id);
      const read = await call<{ product: ProductResult }>(ANONYMOUS, GET_PRODUCT, {
        id: product.id,
      });
      expect(read.data!.product.archivedAt).toBe(archivedAt);

      const all = async (archived?: boolean) =>
        (await call<{ allProducts: Page }>(ADMIN_IDENTITY, ALL_PRODUCTS, { filter, archived }))
          .data!.allProducts;
      const everything = await all();
      expect(everything.totalCount).toBe(before.totalCount);
      expect(everything.edges).toContainEqual({ node: { id: product.id, archivedAt } });
      const archivedOnly = await all(true);
      expect(archivedOnly.edges.map((edge) => edge.node.id)).toContain(product.id);
      expect(archivedOnly.edges.every((edge) => edge.node.archivedAt !== null)).toBe(true);
      const onSale = await all(false);
      expect(onSale.totalCount).toBe(after.totalCount);

      const [archivedEvent] = await eventually(() => {
        const events = eventsAbout(product.id, 'ProductArchived');
        expect(events).toHaveLength(1);
        return events;
      });
      expect(archivedEvent!.data).toMatchObject({ productId: product.id, archived: true });
    });

    it('answers NOT_FOUND for an unknown product', async () => {
      const response = await call(ADMIN_IDENTITY, ARCHIVE_PRODUCT, { productId: randomUUID() });
      expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    });
  });

  describe('ADMIN only', () => {
    const operations: [string, string, Record<string, unknown>][] = [
      ['allProducts', ALL_PRODUCTS, {}],
      ['updateProduct', UPDATE_PRODUCT, { productId: seeded.id, input: { name: 'Hijacked' } }],
      ['archiveProduct', ARCHIVE_PRODUCT, { productId: seeded.id }],
    ];
    it.each(operations)(
      '%s: FORBIDDEN for a customer, UNAUTHENTICATED anonymously',
      async (_name, query, variables) => {
        expect(errorCodes(await call(CUSTOMER, query, variables))).toEqual(['FORBIDDEN']);
        expect(errorCodes(await call(ANONYMOUS, query, variables))).toEqual(['UNAUTHENTICATED']);
        const read = await call<{ product: ProductResult }>(ANONYMOUS, GET_PRODUCT, {
          id: seeded.id,
        });
        expect(read.data!.product).toMatchObject({ name: seeded.name, archivedAt: null });
      },
    );
  });
});
