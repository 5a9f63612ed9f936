import { randomUUID } from 'node:crypto';
import {
  createEventBus,
  type EventBus,
  type EventEnvelope,
  type Stream,
  type Subscription,
} from '@shop/events';
import type { Identity } from '@shop/identity';
import { createLogger } from '@shop/platform';
import { startProductsSubgraph } from '@shop/products';
import { seedData } from '@shop/seed';
import {
  ADMIN_IDENTITY,
  graphqlRequest,
  identityHeaders,
  prepareTestDatabase,
  queryTestDatabase,
  testEventsSettings,
  testSubgraphSettings,
  userIdentity,
  envelopeOf,
  eventually,
  errorCodes,
  countRows,
} from '@shop/testing';

type Running = Awaited<ReturnType<typeof startProductsSubgraph>>;

const ANONYMOUS: Identity = { kind: 'anonymous' };

interface ProductResult {
  id: string;
  name: string;
  slug: string;
  description: string;
  price: { amount: number; currency: string };
  category: { id: string };
  averageRating: number | null;
  reviewCount: number;
}

const PRODUCT =
  'id name slug description price { amount currency } category { id } averageRating reviewCount';
const CREATE_PRODUCT = `mutation($input: CreateProductInput!) { createProduct(input: $input) { ${PRODUCT} } }`;
const UPDATE_PRICE = `mutation($productId: ID!, $price: MoneyInput!) {
  updatePrice(productId: $productId, price: $price) { ${PRODUCT} } }`;
const ADD_REVIEW = `mutation($input: AddReviewInput!) {
  addReview(input: $input) { id rating title body product { id averageRating reviewCount } } }`;
const GET_PRODUCT = `query($id: ID!) { product(id: $id) { ${PRODUCT} } }`;

interface ReviewResult {
  id: string;
  rating: number;
  title: string | null;
  body: string;
  product: { id: string; averageRating: number | null; reviewCount: number };
}

/** A leaf category of the seed, whose name events must carry. */
const category = seedData.categories.find(
  (candidate) => !seedData.categories.some((child) => child.parentId === candidate.id),
)!;

describe('products: catalogue writes, reviews and event projections (real PostgreSQL)', () => {
  let subgraph: Running;
  let databaseUrl: string;
  let bus: EventBus;
  /** Everything the products subgraph published, as a consumer group of products.events sees it. */
  const published: EventEnvelope[] = [];
  let tap: Subscription;

  beforeAll(async () => {
    const events = await testEventsSettings();
    bus = createEventBus(events, createLogger('products-test', 'silent'));
    tap = bus.subscribe({
      stream: 'products.events',
      group: 'products-test',
      handler: async (events) => {
        published.push(...events);
      },
    });
    databaseUrl = await prepareTestDatabase('products');
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

  const sql = <Row extends object>(text: string, params: unknown[] = []) =>
    queryTestDatabase<Row>(databaseUrl, text, params);

  const count = (table: string, where = 'true', params: unknown[] = []) =>
    countRows(databaseUrl, table, where, params);

  /** Rows of every table a catalogue write touches, to show a refused one wrote nothing. */
  const writtenRows = async () => ({
    products: await count('Product'),
    stock: await count('ProductStock'),
    reviews: await count('Review'),
    outbox: await count('OutboxEvent'),
  });

  let created = 0;
  const productInput = (overrides: Record<string, unknown> = {}) => {
    created += 1;
    return {
      name: `Test Product ${created}`,
      description: 'Made for the tests.',
      categoryId: category.id,
      price: { amount: 1999, currency: 'USD' },
      ...overrides,
    };
  };

  const createProduct = async (overrides: Record<string, unknown> = {}) => {
    const response = await call<{ createProduct: ProductResult }>(ADMIN_IDENTITY, CREATE_PRODUCT, {
      input: productInput(overrides),
    });
    expect(response.errors).toBeUndefined();
    return response.data!.createProduct;
  };

  const eventsAbout = (aggregateId: string, type: string) =>
    published.filter((event) => event.aggregateId === aggregateId && event.type === type);

  /** Publishes into the bus as another domain would, and waits until products handled it. */
  const deliver = async (stream: Stream, ...events: EventEnvelope[]) => {
    await bus.publish(stream, events);
    const last = events.at(-1)!;
    await eventually(async () =>
      expect(await count('ProcessedEvent', 'id = $1', [last.id])).toBe(1),
    );
  };

  /** A customer who received the products: an OrderDelivered went through the bus. */
  const buyerOf = async (...productIds: string[]) => {
    const buyer = userIdentity(randomUUID());
    if (buyer.kind !== 'user') throw new Error('a user identity');
    const orderId = randomUUID();
    await deliver(
      'orders.events',
      envelopeOf('orders.events', 'OrderDelivered', orderId, {
        orderId,
        userId: buyer.userId,
        items: productIds.map((productId) => ({ productId, quantity: 1 })),
      }),
    );
    return buyer;
  };

  describe('createProduct', () => {
    it('creates a readable, out-of-stock product as ADMIN and announces ProductCreated', async () => {
      const response = await call<{ createProduct: ProductResult }>(
        ADMIN_IDENTITY,
        CREATE_PRODUCT,
        {
          input: productInput({
            name: '  Trail Runner Crème 2000! ',
            description: ' Light shoes. ',
            price: { amount: 12_500, currency: 'EUR' },
          }),
        },
      );

      expect(response.errors).toBeUndefined();
      const product = response.data!.createProduct;
      expect(product).toEqual({
        id: expect.any(String),
        name: 'Trail Runner Crème 2000!',
        slug: 'trail-runner-creme-2000',
        description: 'Light shoes.',
        price: { amount: 12_500, currency: 'EUR' },
        category: { id: category.id },
        averageRating: null,
        reviewCount: 0,
      });
      const read = await call<{ product: ProductResult }>(ANONYMOUS, GET_PRODUCT, {
        id: product.id,
      });
      expect(read.data!.product).toEqual(product);
      expect(
        await sql('SELECT "inStock" FROM "ProductStock" WHERE "productId" = $1', [product.id]),
      ).toEqual([{ inStock: false }]);

      const [event] = await eventually(() => {
        const events = eventsAbout(product.id, 'ProductCreated');
        expect(events).toHaveLength(1);
        return events;
      });
      expect(event).toMatchObject({
        version: 1,
        data: {
          productId: product.id,
          name: 'Trail Runner Crème 2000!',
          slug: 'trail-runner-creme-2000',
          description: 'Light shoes.',
          categoryId: category.id,
          categoryName: category.name,
          price: { amount: 12_500, currency: 'EUR' },
        },
      });
    });

    it('gives the same name the next free slug, also to concurrent creates', async () => {
      const first = await createProduct({ name: 'Camp Mug' });
      const second = await createProduct({ name: 'camp mug' });
      expect([first.slug, second.slug]).toEqual(['camp-mug', 'camp-mug-2']);

      const concurrent = await Promise.all(
        [1, 2, 3].map(() =>
          call<{ createProduct: ProductResult }>(ADMIN_IDENTITY, CREATE_PRODUCT, {
            input: productInput({ name: 'Camp Mug' }),
          }),
        ),
      );
      expect(concurrent.flatMap((response) => response.errors ?? [])).toEqual([]);
      expect(concurrent.map((response) => response.data!.createProduct.slug).sort()).toEqual([
        'camp-mug-3',
        'camp-mug-4',
        'camp-mug-5',
      ]);
    });

    it('refuses customers (FORBIDDEN) and anonymous callers (UNAUTHENTICATED), writing nothing', async () => {
      const before = await writtenRows();

      const customer = await call(userIdentity(randomUUID()), CREATE_PRODUCT, {
        input: productInput(),
      });
      const anonymous = await call(ANONYMOUS, CREATE_PRODUCT, { input: productInput() });

      expect(errorCodes(customer)).toEqual(['FORBIDDEN']);
      expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
      expect(await writtenRows()).toEqual(before);
    });

    it.each([
      ['a negative price', { price: { amount: -1, currency: 'USD' } }, 'price.amount'],
      [
        'a price over the limit',
        { price: { amount: 100_000_001, currency: 'USD' } },
        'price.amount',
      ],
      ['a lower-case currency', { price: { amount: 100, currency: 'usd' } }, 'price.currency'],
      ['a two-letter currency', { price: { amount: 100, currency: 'US' } }, 'price.currency'],
      ['an empty name', { name: '   ' }, 'name'],
      ['a name over 200 characters', { name: 'x'.repeat(201) }, 'name'],
      ['an empty description', { description: '' }, 'description'],
      ['an unknown category', { categoryId: randomUUID() }, 'categoryId'],
      ['a malformed category id', { categoryId: 'shoes' }, 'categoryId'],
    ])('refuses %s with BAD_USER_INPUT, writing nothing', async (_case, overrides, field) => {
      const before = await writtenRows();

      const response = await call(ADMIN_IDENTITY, CREATE_PRODUCT, {
        input: productInput(overrides),
      });

      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors![0]!.extensions).toMatchObject({ field });
      expect(await writtenRows()).toEqual(before);
    });
  });

  describe('updatePrice', () => {
    it('changes the price and announces ProductPriceChanged with the previous price and a rising version', async () => {
      const product = await createProduct({ price: { amount: 1999, currency: 'USD' } });

      const first = await call<{ updatePrice: ProductResult }>(ADMIN_IDENTITY, UPDATE_PRICE, {
        productId: product.id,
        price: { amount: 2500, currency: 'USD' },
      });
      const second = await call<{ updatePrice: ProductResult }>(ADMIN_IDENTITY, UPDATE_PRICE, {
        productId: product.id,
        price: { amount: 2300, currency: 'EUR' },
      });

      expect(first.errors).toBeUndefined();
      expect(first.data!.updatePrice.price).toEqual({ amount: 2500, currency: 'USD' });
      expect(second.data!.updatePrice.price).toEqual({ amount: 2300, currency: 'EUR' });
      const read = await call<{ product: ProductResult }>(ANONYMOUS, GET_PRODUCT, {
        id: product.id,
      });
      expect(read.data!.product.price).toEqual({ amount: 2300, currency: 'EUR' });

      const events = await eventually(() => {
        const changes = eventsAbout(product.id, 'ProductPriceChanged');
        expect(changes).toHaveLength(2);
        return changes;
      });
      expect(events.map((event) => [event.version, event.data])).toEqual([
        [
          2,
          expect.objectContaining({
            productId: product.id,
            categoryName: category.name,
            price: { amount: 2500, currency: 'USD' },
            previousPrice: { amount: 1999, currency: 'USD' },
          }),
        ],
        [
          3,
          expect.objectContaining({
            price: { amount: 2300, currency: 'EUR' },
            previousPrice: { amount: 2500, currency: 'USD' },
          }),
        ],
      ]);
    });

    it('gives concurrent changes distinct versions, each with the price the other left', async () => {
      const product = await createProduct({ price: { amount: 100, currency: 'USD' } });

      const responses = await Promise.all(
        [200, 300, 400].map((amount) =>
          call(ADMIN_IDENTITY, UPDATE_PRICE, {
            productId: product.id,
            price: { amount, currency: 'USD' },
          }),
        ),
      );

      expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);
      const rows = await sql<{
        version: number;
        data: { price: { amount: number }; previousPrice: { amount: number } };
      }>(
        `SELECT version, data FROM "OutboxEvent" WHERE "aggregateId" = $1 AND type = 'ProductPriceChanged' ORDER BY version`,
        [product.id],
      );
      expect(rows.map((row) => row.version)).toEqual([2, 3, 4]);
      // A chain from the first price: each change starts where the one before ended.
      expect(rows[0]!.data.previousPrice.amount).toBe(100);
      for (let index = 1; index < rows.length; index += 1) {
        expect(rows[index]!.data.previousPrice.amount).toBe(rows[index - 1]!.data.price.amount);
      }
    });

    it('announces nothing when the price stays the same', async () => {
      const product = await createProduct({ price: { amount: 1500, currency: 'USD' } });

      const response = await call(ADMIN_IDENTITY, UPDATE_PRICE, {
        productId: product.id,
        price: { amount: 1500, currency: 'USD' },
      });

      expect(response.errors).toBeUndefined();
      expect(await count('OutboxEvent', '"aggregateId" = $1', [product.id])).toBe(1);
      expect(await sql('SELECT version FROM "Product" WHERE id = $1', [product.id])).toEqual([
        { version: 1 },
      ]);
    });

    it('refuses customers, unknown products and bad prices, changing nothing', async () => {
      const product = await createProduct({ price: { amount: 1999, currency: 'USD' } });
      const before = await writtenRows();
      const update = (identity: Identity, productId: string, price: unknown) =>
        call(identity, UPDATE_PRICE, { productId, price });

      const customer = await update(userIdentity(randomUUID()), product.id, {
        amount: 1,
        currency: 'USD',
      });
      const anonymous = await update(ANONYMOUS, product.id, { amount: 1, currency: 'USD' });
      const unknown = await update(ADMIN_IDENTITY, randomUUID(), { amount: 1, currency: 'USD' });
      const negative = await update(ADMIN_IDENTITY, product.id, { amount: -5, currency: 'USD' });
      const currency = await update(ADMIN_IDENTITY, product.id, { amount: 5, currency: 'dollars' });

      expect(errorCodes(customer)).toEqual(['FORBIDDEN']);
      expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
      expect(errorCodes(unknown)).toEqual(['NOT_FOUND']);
      expect(errorCodes(negative)).toEqual(['BAD_USER_INPUT']);
      expect(errorCodes(currency)).toEqual(['BAD_USER_INPUT']);
      expect(await writtenRows()).toEqual(before);
      const read = await call<{ product: ProductResult }>(ANONYMOUS, GET_PRODUCT, {
        id: product.id,
      });
      expect(read.data!.product.price).toEqual({ amount: 1999, currency: 'USD' });
    });
  });

  describe('addReview', () => {
    const review = (productId: string, rating: number, extra: Record<string, unknown> = {}) => ({
      input: { productId, rating, title: 'My take', body: 'Does what it says.', ...extra },
    });

    it('refuses a customer without a delivered order, and accepts them once OrderDelivered arrived', async () => {
      const product = await createProduct();
      const customer = userIdentity(randomUUID());
      if (customer.kind !== 'user') throw new Error('a user identity');

      const refused = await call(customer, ADD_REVIEW, review(product.id, 4));
      expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
      expect(refused.errors![0]!.message).toBe('Only buyers of a delivered order may review it');
      expect(await count('Review', '"productId" = $1', [product.id])).toBe(0);

      const orderId = randomUUID();
      await deliver(
        'orders.events',
        envelopeOf('orders.events', 'OrderDelivered', orderId, {
          orderId,
          userId: customer.userId,
          items: [{ productId: product.id, quantity: 2 }],
        }),
      );
      const accepted = await call<{ addReview: ReviewResult }>(
        customer,
        ADD_REVIEW,
        review(product.id, 4, { title: '  Solid  ', body: ' Works well. ' }),
      );

      expect(accepted.errors).toBeUndefined();
      expect(accepted.data!.addReview).toEqual({
        id: expect.any(String),
        rating: 4,
        title: 'Solid',
        body: 'Works well.',
        product: { id: product.id, averageRating: 4, reviewCount: 1 },
      });
    });

    it('refuses ratings 0 and 6 and bad text with BAD_USER_INPUT, writing nothing', async () => {
      const product = await createProduct();
      const buyer = await buyerOf(product.id);
      const before = await writtenRows();

      const responses = await Promise.all([
        call(buyer, ADD_REVIEW, review(product.id, 0)),
        call(buyer, ADD_REVIEW, review(product.id, 6)),
        call(buyer, ADD_REVIEW, review(product.id, 3, { body: '  ' })),
        call(buyer, ADD_REVIEW, review(product.id, 3, { body: 'x'.repeat(5001) })),
        call(buyer, ADD_REVIEW, review(product.id, 3, { title: 'x'.repeat(201) })),
      ]);

      expect(responses.map(errorCodes)).toEqual(responses.map(() => ['BAD_USER_INPUT']));
      expect(responses.map((response) => response.errors![0]!.extensions!.field)).toEqual([
        'rating',
        'rating',
        'body',
        'body',
        'title',
      ]);
      expect(await writtenRows()).toEqual(before);
    });

    it('refuses a second review by the same author with CONFLICT, keeping the first', async () => {
      const product = await createProduct();
      const buyer = await buyerOf(product.id);

      const first = await call(buyer, ADD_REVIEW, review(product.id, 5));
      const second = await call(buyer, ADD_REVIEW, review(product.id, 1));
      const racing = await Promise.all([
        call(buyer, ADD_REVIEW, review(product.id, 2)),
        call(buyer, ADD_REVIEW, review(product.id, 3)),
      ]);

      expect(first.errors).toBeUndefined();
      expect(errorCodes(second)).toEqual(['CONFLICT']);
      expect(racing.map(errorCodes)).toEqual([['CONFLICT'], ['CONFLICT']]);
      const read = await call<{ product: ProductResult }>(ANONYMOUS, GET_PRODUCT, {
        id: product.id,
      });
      expect(read.data!.product).toMatchObject({ averageRating: 5, reviewCount: 1 });
    });

    it('answers an unknown product with NOT_FOUND and an anonymous caller with UNAUTHENTICATED', async () => {
      const product = await createProduct();
      const buyer = await buyerOf(product.id);

      const unknown = await call(buyer, ADD_REVIEW, review(randomUUID(), 4));
      const malformed = await call(buyer, ADD_REVIEW, review('not-an-id', 4));
      const anonymous = await call(ANONYMOUS, ADD_REVIEW, review(product.id, 4));

      expect(errorCodes(unknown)).toEqual(['NOT_FOUND']);
      expect(errorCodes(malformed)).toEqual(['NOT_FOUND']);
      expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
      expect(await count('Review', '"productId" = $1', [product.id])).toBe(0);
    });

    it('keeps averageRating and reviewCount right with concurrent reviews', async () => {
      const product = await createProduct();
      const ratings = [5, 4, 4, 2, 1, 5, 3, 5];
      const buyers = await Promise.all(ratings.map(() => buyerOf(product.id)));

      const first = await call<{ addReview: ReviewResult }>(
        buyers[0]!,
        ADD_REVIEW,
        review(product.id, ratings[0]!),
      );
      expect(first.data!.addReview.product).toEqual({
        id: product.id,
        averageRating: 5,
        reviewCount: 1,
      });
      const rest = await Promise.all(
        ratings
          .slice(1)
          .map((rating, index) => call(buyers[index + 1]!, ADD_REVIEW, review(product.id, rating))),
      );

      expect(rest.flatMap((response) => response.errors ?? [])).toEqual([]);
      const read = await call<{ product: ProductResult }>(ANONYMOUS, GET_PRODUCT, {
        id: product.id,
      });
      const sum = ratings.reduce((total, rating) => total + rating, 0);
      expect(read.data!.product).toMatchObject({
        reviewCount: ratings.length,
        averageRating: Math.round((sum / ratings.length) * 100) / 100,
      });
      expect(
        await sql('SELECT "ratingSum", "reviewCount" FROM "Product" WHERE id = $1', [product.id]),
      ).toEqual([{ ratingSum: sum, reviewCount: ratings.length }]);
    });

    it("shows the review's effect on its product even when the request loaded the product before", async () => {
      const product = await createProduct();
      const admin = ADMIN_IDENTITY;
      if (admin.kind !== 'user') throw new Error('a user identity');
      const orderId = randomUUID();
      await deliver(
        'orders.events',
        envelopeOf('orders.events', 'OrderDelivered', orderId, {
          orderId,
          userId: admin.userId,
          items: [{ productId: product.id, quantity: 1 }],
        }),
      );

      const response = await call<{
        before: { reviewCount: number };
        addReview: { product: { averageRating: number; reviewCount: number } };
      }>(
        admin,
        `mutation($id: ID!, $input: AddReviewInput!) {
          before: updatePrice(productId: $id, price: { amount: 999, currency: "USD" }) { reviewCount }
          addReview(input: $input) { product { averageRating reviewCount } }
        }`,
        { id: product.id, input: review(product.id, 3).input },
      );

      expect(response.errors).toBeUndefined();
      expect(response.data!.before.reviewCount).toBe(0);
      expect(response.data!.addReview.product).toEqual({ averageRating: 3, reviewCount: 1 });
    });
  });

  describe('stock projection', () => {
    /** A product with a price no seeded product has, so a filter on it finds only this one. */
    const uniquelyPriced = async (amount: number) => {
      const product = await createProduct({ price: { amount, currency: 'USD' } });
      const inStock = async (value: boolean) => {
        const response = await call<{
          products: { totalCount: number; edges: { node: { id: string } }[] };
        }>(
          ANONYMOUS,
          'query($filter: ProductFilter) { products(first: 10, filter: $filter) { totalCount edges { node { id } } } }',
          { filter: { inStock: value, minPrice: amount, maxPrice: amount } },
        );
        expect(response.errors).toBeUndefined();
        return response.data!.products.edges.map((edge) => edge.node.id);
      };
      return { product, inStock };
    };
    const stockChanged = (productId: string, inStock: boolean, version: number) =>
      envelopeOf(
        'inventory.events',
        'StockChanged',
        productId,
        { productId, available: inStock ? 7 : 0, inStock, lowStockThreshold: 5 },
        version,
      );
    const stockOf = (productId: string) =>
      sql<{ inStock: boolean; stockVersion: number }>(
        'SELECT "inStock", "stockVersion" FROM "ProductStock" WHERE "productId" = $1',
        [productId],
      );

    it('puts a product in stock for products(filter: {inStock}) when StockChanged arrives', async () => {
      const { product, inStock } = await uniquelyPriced(987_001);
      expect(await inStock(true)).toEqual([]);
      expect(await inStock(false)).toEqual([product.id]);

      await deliver('inventory.events', stockChanged(product.id, true, 1));

      expect(await inStock(true)).toEqual([product.id]);
      expect(await inStock(false)).toEqual([]);
    });

    it('changes the state once when the same event is delivered twice', async () => {
      const { product } = await uniquelyPriced(987_002);
      const restocked = stockChanged(product.id, true, 1);
      // The same version: only the processed-event record can tell the redelivery apart.
      const soldOut = stockChanged(product.id, false, 1);

      // Waiting for a last, distinct event: the redelivered one was recorded the first time.
      const marker = stockChanged(randomUUID(), true, 1);
      await deliver('inventory.events', restocked, soldOut, restocked, marker);

      expect(await stockOf(product.id)).toEqual([{ inStock: false, stockVersion: 1 }]);
      expect(await count('ProcessedEvent', 'id = $1', [restocked.id])).toBe(1);
    });

    it('ignores an older StockChanged arriving late', async () => {
      const { product, inStock } = await uniquelyPriced(987_003);

      await deliver(
        'inventory.events',
        stockChanged(product.id, true, 5),
        stockChanged(product.id, false, 3),
      );

      expect(await stockOf(product.id)).toEqual([{ inStock: true, stockVersion: 5 }]);
      expect(await inStock(true)).toEqual([product.id]);
    });

    it('skips events about products it does not know and goes on with the next', async () => {
      const unknown = randomUUID();
      const { product } = await uniquelyPriced(987_004);

      await deliver(
        'inventory.events',
        stockChanged(unknown, true, 1),
        stockChanged(product.id, true, 1),
      );

      expect(await stockOf(unknown)).toEqual([]);
      expect(await stockOf(product.id)).toEqual([{ inStock: true, stockVersion: 1 }]);
    });
  });
});
