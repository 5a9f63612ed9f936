import { liveTopics } from '@shop/events';
import { ANONYMOUS } from '@shop/identity';
import { startProductsSubgraph } from '@shop/products';
import { seedData } from '@shop/seed';
import {
  ADMIN_IDENTITY,
  deleteTestStreams,
  errorCodes,
  eventually,
  graphqlRequest,
  identityConnectionParams,
  identityHeaders,
  prepareTestDatabase,
  processesListening,
  testRedisSettings,
  testSubgraphSettings,
  wsClient,
  type TestWsClient,
} from '@shop/testing';

const PRICE_CHANGED = `subscription PriceChanged($productId: ID!) {
  priceChanged(productId: $productId) { id name price { amount currency } }
}`;
const UPDATE_PRICE = `mutation($productId: ID!, $price: MoneyInput!) {
  updatePrice(productId: $productId, price: $price) { id } }`;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('products subscriptions over graphql-ws (real PostgreSQL and Redis)', () => {
  const redis = testRedisSettings();
  let subgraph: Awaited<ReturnType<typeof startProductsSubgraph>>;
  const clients: TestWsClient[] = [];

  beforeAll(async () => {
    const databaseUrl = await prepareTestDatabase('products');
    subgraph = await startProductsSubgraph(
      { ...testSubgraphSettings(databaseUrl), ...redis },
      { seed: true },
    );
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    await subgraph.stop();
    await deleteTestStreams(redis);
  });

  const connect = (params: Record<string, unknown>) => {
    const client = wsClient(subgraph.url, params);
    clients.push(client);
    return client;
  };
  const updatePrice = async (productId: string, amount: number, currency = 'USD') => {
    const result = await graphqlRequest(
      subgraph.url,
      UPDATE_PRICE,
      { productId, price: { amount, currency } },
      identityHeaders(ADMIN_IDENTITY),
    );
    expect(result.errors).toBeUndefined();
  };

  it('tells anyone of every new price of a product, with the product read fresh', async () => {
    const product = seedData.products[0]!;
    const subscription = connect(identityConnectionParams(ANONYMOUS)).subscribe(PRICE_CHANGED, {
      productId: product.id,
    });
    await eventually(async () =>
      expect(await processesListening(redis, liveTopics.priceChanged(product.id))).toBe(1),
    );
    const priced = (amount: number, currency: string) => ({
      data: { priceChanged: { id: product.id, name: product.name, price: { amount, currency } } },
    });

    await updatePrice(product.id, 4321);
    expect(await subscription.take(1)).toEqual([priced(4321, 'USD')]);
    // A subscription that cached the product at the first event would answer 4321 again.
    await updatePrice(product.id, 1234, 'EUR');
    expect(await subscription.take(2)).toEqual([priced(4321, 'USD'), priced(1234, 'EUR')]);
  });

  it('answers NOT_FOUND at subscribe time for a product that does not exist', async () => {
    const subscription = connect(identityConnectionParams(ANONYMOUS)).subscribe(PRICE_CHANGED, {
      productId: UNKNOWN_ID,
    });
    await expect(subscription.ended).resolves.toEqual({ kind: 'complete' });
    expect(subscription.results.map(errorCodes)).toEqual([['NOT_FOUND']]);
    expect(await processesListening(redis, liveTopics.priceChanged(UNKNOWN_ID))).toBe(0);
  });

  it('closes a connection without a signed identity with 4403', async () => {
    const client = connect({});
    const subscription = client.subscribe(PRICE_CHANGED, { productId: seedData.products[1]!.id });
    await expect(client.closed).resolves.toEqual({ code: 4403, reason: 'Forbidden' });
    expect(subscription.results).toEqual([]);
  });
});
