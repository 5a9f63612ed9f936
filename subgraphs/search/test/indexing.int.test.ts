import { randomUUID } from 'node:crypto';
import {
  createEventBus,
  type DomainEvent,
  type EventBus,
  type ProductSnapshot,
} from '@shop/events';
import { createLogger } from '@shop/platform';
import {
  graphqlRequest,
  identityHeaders,
  prepareTestDatabase,
  queryTestDatabase,
  testEventsSettings,
  testSubgraphSettings,
  userIdentity,
} from '@shop/testing';
import { startSearchSubgraph } from '@shop/search';

type Running = Awaited<ReturnType<typeof startSearchSubgraph>>;

interface SearchPage {
  totalCount: number;
  edges: { node: { id: string } }[];
  facets: {
    priceRanges: { min: number; max: number | null; count: number }[];
    inStock: { value: boolean; count: number }[];
  };
}

interface DocumentRow {
  name: string;
  priceAmount: number;
  inStock: boolean;
  productVersion: number;
  stockVersion: number;
  updatedAt: Date;
}

const SEARCH = `query($query: String!, $filter: SearchFilter) {
  search(query: $query, filter: $filter, first: 100) {
    totalCount
    edges { node { id } }
    facets { priceRanges { min max count } inStock { value count } }
  }
}`;

/** What the subgraph promises: a new or changed product is searchable within this. */
const SEARCHABLE_WITHIN_MS = 2_000;

const categoryId = '0c0ffee0-0000-4000-8000-0000000000c1';

function snapshot(name: string, price: number, productId = randomUUID()): ProductSnapshot {
  return {
    productId,
    name,
    slug: name.toLowerCase().replace(/\W+/g, '-'),
    description: `${name}, for the indexing tests.`,
    categoryId,
    categoryName: 'Indexing',
    price: { amount: price, currency: 'USD' },
  };
}

function envelope<Type extends string, Data>(
  type: Type,
  aggregateId: string,
  version: number,
  data: Data,
) {
  return {
    id: randomUUID(),
    type,
    aggregateId,
    version,
    occurredAt: new Date().toISOString(),
    data,
    correlationId: null,
  };
}

const productCreated = (product: ProductSnapshot, version = 1) =>
  envelope(
    'ProductCreated',
    product.productId,
    version,
    product,
  ) satisfies DomainEvent<'products.events'>;

const priceChanged = (product: ProductSnapshot, amount: number, version: number) =>
  envelope('ProductPriceChanged', product.productId, version, {
    ...product,
    price: { amount, currency: 'USD' },
    previousPrice: product.price,
  }) satisfies DomainEvent<'products.events'>;

const stockChanged = (productId: string, inStock: boolean, version: number) =>
  envelope('StockChanged', productId, version, {
    productId,
    available: inStock ? 10 : 0,
    inStock,
    lowStockThreshold: 5,
  }) satisfies DomainEvent<'inventory.events'>;

/** Polls until `check` holds, failing after `timeoutMs`; resolves with the time it took. */
async function within(timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('search index fed by product and inventory events (real PostgreSQL)', () => {
  let bus: EventBus;
  let subgraph: Running;
  let databaseUrl: string;

  beforeAll(async () => {
    const events = await testEventsSettings();
    bus = createEventBus(events, createLogger('indexing-test', 'silent'));
    databaseUrl = await prepareTestDatabase('search');
    subgraph = await startSearchSubgraph(
      { ...testSubgraphSettings(databaseUrl), ...events },
      { bus },
    );
  });
  afterAll(async () => {
    await subgraph.stop();
    await bus.close();
  });

  async function search(query: string, filter?: object): Promise<SearchPage> {
    const result = await graphqlRequest(
      subgraph.url,
      SEARCH,
      { query, filter },
      identityHeaders(userIdentity(randomUUID())),
    );
    expect(result.errors).toBeUndefined();
    return (result.data as { search: SearchPage }).search;
  }
  const idsOf = (page: SearchPage) => page.edges.map((edge) => edge.node.id);

  async function documentOf(productId: string): Promise<DocumentRow | undefined> {
    const [row] = await queryTestDatabase<DocumentRow>(
      databaseUrl,
      `SELECT "name", "priceAmount", "inStock", "productVersion", "stockVersion", "updatedAt"
       FROM "SearchDocument" WHERE "productId" = $1`,
      [productId],
    );
    return row;
  }

  const processed = async (eventId: string) =>
    (
      await queryTestDatabase<{ count: number }>(
        databaseUrl,
        'SELECT count(*)::int AS count FROM "ProcessedEvent" WHERE id = $1',
        [eventId],
      )
    )[0]!.count;

  /** Events of a stream are handled in order: once this one is, every earlier one was. */
  const handled = (eventId: string) =>
    within(SEARCHABLE_WITHIN_MS, async () => (await processed(eventId)) > 0);

  it('makes a created product searchable within 2 s', async () => {
    const kettle = snapshot('Zephyrine Kettle', 4200);
    await bus.publish('products.events', [productCreated(kettle)]);

    const elapsed = await within(SEARCHABLE_WITHIN_MS, async () =>
      idsOf(await search('zephyrine')).includes(kettle.productId),
    );
    expect(elapsed).toBeLessThan(SEARCHABLE_WITHIN_MS);
    expect(await documentOf(kettle.productId)).toMatchObject({
      name: 'Zephyrine Kettle',
      priceAmount: 4200,
      inStock: false,
      productVersion: 1,
      stockVersion: 0,
    });
  });

  it('moves a product between price facets and filters when its price changes', async () => {
    const cheap = snapshot('Marmoset Lamp', 1000);
    const dear = snapshot('Marmoset Shade', 30000);
    await bus.publish('products.events', [productCreated(cheap), productCreated(dear)]);
    await within(SEARCHABLE_WITHIN_MS, async () => (await search('marmoset')).totalCount === 2);
    expect((await search('marmoset')).facets.priceRanges).toEqual([
      { min: 0, max: 2500, count: 1 },
      { min: 25000, max: null, count: 1 },
    ]);
    expect(idsOf(await search('marmoset', { maxPrice: 2500 }))).toEqual([cheap.productId]);

    await bus.publish('products.events', [priceChanged(dear, 900, 2)]);
    const elapsed = await within(
      SEARCHABLE_WITHIN_MS,
      async () => (await search('marmoset', { maxPrice: 2500 })).totalCount === 2,
    );
    expect(elapsed).toBeLessThan(SEARCHABLE_WITHIN_MS);
    expect((await search('marmoset')).facets.priceRanges).toEqual([
      { min: 0, max: 2500, count: 2 },
    ]);
    expect(idsOf(await search('marmoset', { minPrice: 950 }))).toEqual([cheap.productId]);
  });

  it('ignores an event older than the version already applied', async () => {
    const clock = snapshot('Quokka Clock', 1000);
    await bus.publish('products.events', [productCreated(clock), priceChanged(clock, 3000, 3)]);
    const late = priceChanged(clock, 2000, 2);
    await bus.publish('products.events', [late]);
    await handled(late.id);

    expect(await documentOf(clock.productId)).toMatchObject({
      priceAmount: 3000,
      productVersion: 3,
    });
    expect(idsOf(await search('quokka', { maxPrice: 2500 }))).toEqual([]);
  });

  it('handles the same event delivered twice once', async () => {
    const rug = snapshot('Axolotl Rug', 5000);
    const created = productCreated(rug);
    await bus.publish('products.events', [created]);
    await handled(created.id);
    const first = await documentOf(rug.productId);

    const after = productCreated(snapshot('Axolotl Mat', 700));
    await bus.publish('products.events', [created, after]);
    await handled(after.id);

    expect(await processed(created.id)).toBe(1);
    expect(await documentOf(rug.productId)).toEqual(first);
    expect((await search('axolotl')).totalCount).toBe(2);
  });

  it('keeps stock that arrives before the product, without making it searchable early', async () => {
    const vase = snapshot('Pangolin Vase', 2000);
    // Out of order as well: the older event, arriving last, must not win.
    const stock = stockChanged(vase.productId, true, 4);
    const older = stockChanged(vase.productId, false, 3);
    await bus.publish('inventory.events', [stock, older]);
    await handled(older.id);
    expect(await documentOf(vase.productId)).toBeUndefined();
    expect((await search('pangolin')).totalCount).toBe(0);

    await bus.publish('products.events', [productCreated(vase)]);
    await within(SEARCHABLE_WITHIN_MS, async () => (await search('pangolin')).totalCount === 1);
    expect((await search('pangolin')).facets.inStock).toEqual([{ value: true, count: 1 }]);
    expect(idsOf(await search('pangolin', { inStock: true }))).toEqual([vase.productId]);
    expect(await documentOf(vase.productId)).toMatchObject({ inStock: true, stockVersion: 4 });

    const late = stockChanged(vase.productId, false, 2);
    await bus.publish('inventory.events', [late]);
    await handled(late.id);
    expect(await documentOf(vase.productId)).toMatchObject({ inStock: true, stockVersion: 4 });
  });

  it('flips the inStock facet when stock changes, ignoring older stock events', async () => {
    const bowl = snapshot('Narwhal Bowl', 1500);
    await bus.publish('products.events', [productCreated(bowl)]);
    await within(SEARCHABLE_WITHIN_MS, async () => (await search('narwhal')).totalCount === 1);
    expect((await search('narwhal')).facets.inStock).toEqual([{ value: false, count: 1 }]);

    await bus.publish('inventory.events', [stockChanged(bowl.productId, true, 1)]);
    const elapsed = await within(SEARCHABLE_WITHIN_MS, async () =>
      idsOf(await search('narwhal', { inStock: true })).includes(bowl.productId),
    );
    expect(elapsed).toBeLessThan(SEARCHABLE_WITHIN_MS);
    expect((await search('narwhal')).facets.inStock).toEqual([{ value: true, count: 1 }]);

    const soldOut = stockChanged(bowl.productId, false, 3);
    const late = stockChanged(bowl.productId, true, 2);
    await bus.publish('inventory.events', [soldOut, late]);
    await handled(late.id);
    expect((await search('narwhal')).facets.inStock).toEqual([{ value: false, count: 1 }]);
    expect(await documentOf(bowl.productId)).toMatchObject({ inStock: false, stockVersion: 3 });
  });

  it('suggests an indexed product by a prefix in any case', async () => {
    const tray = snapshot('Wombat Tray', 1200);
    await bus.publish('products.events', [productCreated(tray)]);
    await within(SEARCHABLE_WITHIN_MS, async () => (await search('wombat')).totalCount === 1);
    const result = await graphqlRequest(
      subgraph.url,
      'query($prefix: String!) { searchSuggestions(prefix: $prefix) }',
      { prefix: 'WOMB' },
      identityHeaders(userIdentity(randomUUID())),
    );
    expect(result.data).toEqual({ searchSuggestions: ['Wombat Tray'] });
  });

  it('takes an edited product’s new text, and drops an archived one from results, facets and suggestions for good', async () => {
    const suggestions = async (prefix: string) =>
      (
        await graphqlRequest<{ searchSuggestions: string[] }>(
          subgraph.url,
          'query($prefix: String!) { searchSuggestions(prefix: $prefix) }',
          { prefix },
          identityHeaders(userIdentity(randomUUID())),
        )
      ).data!.searchSuggestions;
    // A word of this run only: the stream may still hold an earlier run's unhandled events.
    const word = `quokka${randomUUID()
      .replace(/[^a-f]/g, '')
      .slice(0, 6)}`;
    const stool = snapshot(`${word} Stool`, 5000);
    const bench = snapshot(`${word} Bench`, 7000);
    await bus.publish('products.events', [productCreated(stool), productCreated(bench)]);
    // Not a test of speed (the first test is): a loaded machine may take longer.
    await within(10_000, async () => (await search(word)).totalCount === 2);

    const renamed = { ...stool, name: `${word} Footstool` };
    await bus.publish('products.events', [
      envelope(
        'ProductUpdated',
        stool.productId,
        2,
        renamed,
      ) satisfies DomainEvent<'products.events'>,
    ]);
    await within(10_000, async () => idsOf(await search('footstool')).includes(stool.productId));

    const archived = envelope('ProductArchived', stool.productId, 3, {
      ...renamed,
      archived: true,
    }) satisfies DomainEvent<'products.events'>;
    // The price change written before the archiving, delivered after it: too old to matter.
    const late = priceChanged(stool, 4000, 2);
    await bus.publish('products.events', [archived, late]);
    await handled(late.id);

    const page = await search(word);
    expect(idsOf(page)).toEqual([bench.productId]);
    expect(page.totalCount).toBe(1);
    expect(page.facets.inStock).toEqual([{ value: false, count: 1 }]);
    expect(await suggestions(word)).toEqual([`${word} Bench`]);
    expect(await documentOf(stool.productId)).toMatchObject({ productVersion: 3 });
  });
});
