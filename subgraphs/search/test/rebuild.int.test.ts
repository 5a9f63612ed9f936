import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { createEventBus, type EventBus, type ProductSnapshot } from '@shop/events';
import { startInventorySubgraph } from '@shop/inventory';
import { createLogger } from '@shop/platform';
import { startProductsSubgraph } from '@shop/products';
import { startSearchSubgraph } from '@shop/search';
import { seedData } from '@shop/seed';
import {
  ADMIN_IDENTITY,
  graphqlRequest,
  identityHeaders,
  prepareTestDatabase,
  queryTestDatabase,
  testEventsSettings,
  testSubgraphSettings,
  TEST_IDENTITY_SECRET,
  unreachableGraphqlUrl,
} from '@shop/testing';
import type { CatalogSource } from '../src/rebuild/catalog-source';
import { IndexRebuildService } from '../src/rebuild/index-rebuild.service';
import { SubgraphCatalogSource } from '../src/rebuild/subgraph-catalog-source';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../dist/cli/rebuild.js');

interface DocumentRow {
  productId: string;
  name: string;
  description: string;
  categoryId: string;
  categoryName: string;
  priceAmount: number;
  priceCurrency: string;
  inStock: boolean;
}

/** The index the seeded products and stock should give, computed from the seed data alone. */
function seededDocuments(): DocumentRow[] {
  const onHand = new Map<string, number>();
  for (const row of seedData.stock) {
    onHand.set(row.productId, (onHand.get(row.productId) ?? 0) + row.onHand);
  }
  return seedData.products
    .map((product) => ({
      productId: product.id,
      name: product.name,
      description: product.description,
      categoryId: product.categoryId,
      categoryName: seedData.categories.find((category) => category.id === product.categoryId)!
        .name,
      priceAmount: product.price.amount,
      priceCurrency: product.price.currency,
      inStock: (onHand.get(product.id) ?? 0) > 0,
    }))
    .sort((a, b) => a.productId.localeCompare(b.productId));
}

describe('rebuilding the search index from the products and inventory subgraphs', () => {
  let bus: EventBus;
  let products: Awaited<ReturnType<typeof startProductsSubgraph>>;
  let inventory: Awaited<ReturnType<typeof startInventorySubgraph>>;
  let search: Awaited<ReturnType<typeof startSearchSubgraph>>;
  let searchDatabaseUrl: string;

  beforeAll(async () => {
    const [productsUrl, inventoryUrl, searchUrl] = await Promise.all([
      prepareTestDatabase('products'),
      prepareTestDatabase('inventory'),
      prepareTestDatabase('search'),
    ]);
    searchDatabaseUrl = searchUrl;
    // Each subgraph on events of its own: search hears only what the test publishes.
    const [productsEvents, inventoryEvents, searchEvents] = await Promise.all([
      testEventsSettings(),
      testEventsSettings(),
      testEventsSettings(),
    ]);
    bus = createEventBus(searchEvents, createLogger('rebuild-test', 'silent'));
    products = await startProductsSubgraph(
      { ...testSubgraphSettings(productsUrl), ...productsEvents },
      { seed: true },
    );
    inventory = await startInventorySubgraph(
      {
        ...testSubgraphSettings(inventoryUrl),
        ...inventoryEvents,
        reservationSweep: { intervalMs: 60_000, batchSize: 100 },
        services: { orders: await unreachableGraphqlUrl() },
      },
      { seed: true },
    );
    search = await startSearchSubgraph(
      { ...testSubgraphSettings(searchUrl), ...searchEvents },
      { seed: true, bus },
    );
  });
  afterAll(async () => {
    await Promise.all([search?.stop(), inventory?.stop(), products?.stop()]);
    await bus?.close();
  });

  /** Small pages, so the rebuild pages through the catalogue and batches its stock requests. */
  const catalog = () =>
    new SubgraphCatalogSource({
      productsUrl: products.url,
      inventoryUrl: inventory.url,
      identitySecret: TEST_IDENTITY_SECRET,
      pageSize: 10,
    });

  const documents = () =>
    queryTestDatabase<DocumentRow>(
      searchDatabaseUrl,
      `SELECT "productId", "name", "description", "categoryId", "categoryName", "priceAmount",
              "priceCurrency", "inStock"
       FROM "SearchDocument" ORDER BY "productId"`,
    );
  const processed = async (eventId: string) =>
    (
      await queryTestDatabase(searchDatabaseUrl, 'SELECT 1 FROM "ProcessedEvent" WHERE id = $1', [
        eventId,
      ])
    ).length > 0;

  async function insertOrphanDocument(): Promise<string> {
    const productId = randomUUID();
    await queryTestDatabase(
      searchDatabaseUrl,
      `INSERT INTO "SearchDocument" ("productId", "name", "description", "categoryId",
         "categoryName", "priceAmount", "priceCurrency", "inStock", "updatedAt")
       VALUES ($1, 'Discontinued Gadget', 'No longer sold.', $2, 'Gone', 100, 'USD', true,
               now() AT TIME ZONE 'UTC' - interval '1 hour')`,
      [productId, randomUUID()],
    );
    return productId;
  }

  it('brings the seeded catalogue back, stock included, and drops products that are gone', async () => {
    await queryTestDatabase(searchDatabaseUrl, 'DELETE FROM "SearchDocument"');
    await insertOrphanDocument();

    const result = await new IndexRebuildService(search.db, catalog()).rebuild();

    expect(result).toEqual({ indexed: seedData.products.length, removed: 1 });
    const expected = seededDocuments();
    expect(expected.some((document) => !document.inStock)).toBe(true);
    expect(await documents()).toEqual(expected);

    // Searchable again, with stock facets from the rebuilt flags.
    const found = await graphqlRequest(
      search.url,
      'query { search(query: "laptops", first: 100) { edges { node { id } } facets { inStock { value count } } } }',
      {},
      identityHeaders(ADMIN_IDENTITY),
    );
    const page = (
      found.data as {
        search: { edges: { node: { id: string } }[]; facets: { inStock: unknown[] } };
      }
    ).search;
    const ids = page.edges.map((edge) => edge.node.id);
    const laptops = expected.filter((document) => /laptop/i.test(document.name));
    expect(laptops.length).toBeGreaterThan(1);
    expect(ids).toEqual(expect.arrayContaining(laptops.map((document) => document.productId)));
    const hits = expected.filter((document) => ids.includes(document.productId));
    expect(page.facets.inStock).toEqual(
      [true, false]
        .map((value) => ({ value, count: hits.filter((hit) => hit.inStock === value).length }))
        .filter((facet) => facet.count > 0),
    );
  });

  it('keeps what events wrote while it ran over what the APIs said before', async () => {
    const seeded = seededDocuments();
    const newcomer: ProductSnapshot = {
      productId: randomUUID(),
      name: 'Ocelot Lantern',
      slug: 'ocelot-lantern',
      description: 'Created while the rebuild ran.',
      categoryId: seeded[0]!.categoryId,
      categoryName: seeded[0]!.categoryName,
      price: { amount: 1800, currency: 'USD' },
    };
    let repriced: ProductSnapshot | undefined;
    let restocked: DocumentRow | undefined;

    // Once the first page has been read: a price change for a product on it, and a stock change
    // for a product on a later page whose document is missing, so only the projection has it.
    const real = catalog();
    const racing: CatalogSource = {
      stockOf: (productIds) => real.stockOf(productIds),
      async *products() {
        let first = true;
        for await (const page of real.products()) {
          if (first) {
            first = false;
            repriced = page[0]!;
            restocked = seeded.find(
              (document) => !page.some((product) => product.productId === document.productId),
            )!;
            await queryTestDatabase(
              searchDatabaseUrl,
              'DELETE FROM "SearchDocument" WHERE "productId" = $1',
              [restocked.productId],
            );
            const events = [
              {
                stream: 'products.events',
                type: 'ProductPriceChanged',
                aggregateId: repriced.productId,
                data: {
                  ...repriced,
                  price: { amount: 12345, currency: 'USD' },
                  previousPrice: repriced.price,
                },
              },
              {
                stream: 'inventory.events',
                type: 'StockChanged',
                aggregateId: restocked.productId,
                data: {
                  productId: restocked.productId,
                  available: restocked.inStock ? 0 : 7,
                  inStock: !restocked.inStock,
                  lowStockThreshold: 5,
                },
              },
              {
                stream: 'products.events',
                type: 'ProductCreated',
                aggregateId: newcomer.productId,
                data: newcomer,
              },
            ].map(({ stream, ...event }) => ({
              stream,
              event: {
                ...event,
                id: randomUUID(),
                version: 1000,
                occurredAt: new Date().toISOString(),
                correlationId: null,
              },
            }));
            for (const { stream, event } of events) await bus.publish(stream, [event]);
            for (const { event } of events) {
              while (!(await processed(event.id))) {
                await new Promise((resolve) => setTimeout(resolve, 10));
              }
            }
          }
          yield page;
        }
      },
    };

    const result = await new IndexRebuildService(search.db, racing).rebuild();

    expect(result).toEqual({ indexed: seedData.products.length, removed: 0 });
    const rows = await documents();
    const rowOf = (productId: string) => rows.find((row) => row.productId === productId);
    expect(rowOf(repriced!.productId)).toMatchObject({ priceAmount: 12345 });
    expect(rowOf(restocked!.productId)).toEqual({ ...restocked, inStock: !restocked!.inStock });
    expect(rowOf(newcomer.productId)).toMatchObject({ name: 'Ocelot Lantern' });
  });

  describe('the command', () => {
    const env = (overrides: Record<string, string> = {}) => ({
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL_SEARCH: searchDatabaseUrl,
      PRODUCTS_URL: products.url,
      INVENTORY_URL: inventory.url,
      IDENTITY_SECRET: TEST_IDENTITY_SECRET,
      ...overrides,
    });

    it('rebuilds from the subgraphs named in its environment', async () => {
      await queryTestDatabase(searchDatabaseUrl, 'DELETE FROM "SearchDocument"');
      const orphan = await insertOrphanDocument();

      const { stdout } = await run(process.execPath, [CLI], { env: env() });

      expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({
        msg: 'search index rebuilt',
        indexed: seedData.products.length,
        removed: 1,
      });
      const rows = await documents();
      expect(rows).toEqual(seededDocuments());
      expect(rows.some((row) => row.productId === orphan)).toBe(false);
    });

    it('fails, changing nothing, when the subgraphs refuse its identity', async () => {
      const before = await documents();
      const orphan = await insertOrphanDocument();

      const failure = await run(process.execPath, [CLI], {
        env: env({ IDENTITY_SECRET: 'a-secret-the-subgraphs-do-not-share-with-it' }),
      }).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );

      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toContain(products.url);
      const after = await documents();
      expect(after.filter((row) => row.productId !== orphan)).toEqual(before);
      expect(after.some((row) => row.productId === orphan)).toBe(true);
    });
  });
});
