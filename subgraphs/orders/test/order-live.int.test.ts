import { randomUUID } from 'node:crypto';
import { liveTopics } from '@shop/events';
import { ANONYMOUS, type Identity } from '@shop/identity';
import { loadOrdersConfig, startOrdersSubgraph } from '@shop/orders';
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
  userIdentity,
  wsClient,
  type TestWsClient,
} from '@shop/testing';
import { insertPaidOrder } from './stored-orders';

const ORDER_STATUS_CHANGED = `subscription OrderStatusChanged($orderId: ID!) {
  orderStatusChanged(orderId: $orderId) {
    id status items { product { id } quantity } statusHistory { status } buyer { id }
  }
}`;
const ADVANCE_ORDER = `mutation($id: ID!, $to: OrderStatus!) { advanceOrder(id: $id, to: $to) { id } }`;

const [first, second] = seedData.products;
const buyerId = randomUUID();
const buyer = userIdentity(buyerId);

describe('orderStatusChanged over graphql-ws (real PostgreSQL and Redis)', () => {
  const redis = testRedisSettings();
  let databaseUrl: string;
  let subgraph: Awaited<ReturnType<typeof startOrdersSubgraph>>;
  const clients: TestWsClient[] = [];

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('orders');
    subgraph = await startOrdersSubgraph({
      ...loadOrdersConfig({ DATABASE_URL_ORDERS: databaseUrl }),
      ...testSubgraphSettings(databaseUrl),
      ...redis,
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    await subgraph.stop();
    await deleteTestStreams(redis);
  });

  const subscribeAs = (identity: Identity, orderId: string) => {
    const client = wsClient(subgraph.url, identityConnectionParams(identity));
    clients.push(client);
    return client.subscribe(ORDER_STATUS_CHANGED, { orderId });
  };
  const advance = async (id: string, to: string) => {
    const result = await graphqlRequest(
      subgraph.url,
      ADVANCE_ORDER,
      { id, to },
      identityHeaders(ADMIN_IDENTITY),
    );
    expect(result.errors).toBeUndefined();
  };
  const untilListening = (orderId: string) =>
    eventually(async () =>
      expect(await processesListening(redis, liveTopics.orderStatusChanged(orderId))).toBe(1),
    );

  /** A PAID order of `buyer` with two lines, as the checkout saga would leave it. */
  const paidOrder = () => insertPaidOrder(databaseUrl, buyerId, [first!.id, second!.id]);

  const orderAs = (id: string, status: string, history: string[]) => ({
    data: {
      orderStatusChanged: {
        id,
        status,
        items: expect.arrayContaining([
          { product: { id: first!.id }, quantity: 1 },
          { product: { id: second!.id }, quantity: 2 },
        ]),
        statusHistory: history.map((each) => ({ status: each })),
        buyer: { id: buyerId },
      },
    },
  });

  it('tells the buyer of every move of the order, read fresh for each', async () => {
    const id = await paidOrder();
    const subscription = subscribeAs(buyer, id);
    await untilListening(id);

    await advance(id, 'SHIPPED');
    expect(await subscription.take(1)).toEqual([
      orderAs(id, 'SHIPPED', ['PENDING', 'PAID', 'SHIPPED']),
    ]);
    await advance(id, 'DELIVERED');
    expect(await subscription.take(2)).toEqual([
      orderAs(id, 'SHIPPED', ['PENDING', 'PAID', 'SHIPPED']),
      orderAs(id, 'DELIVERED', ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED']),
    ]);
  });

  it('lets an ADMIN follow anyone’s order', async () => {
    const id = await paidOrder();
    const subscription = subscribeAs(ADMIN_IDENTITY, id);
    await untilListening(id);

    await advance(id, 'SHIPPED');
    expect(await subscription.take(1)).toEqual([
      orderAs(id, 'SHIPPED', ['PENDING', 'PAID', 'SHIPPED']),
    ]);
  });

  it('answers NOT_FOUND to anyone else, as for an unknown order, and tells them nothing', async () => {
    const id = await paidOrder();
    const attempts = [
      [userIdentity(randomUUID()), id, 'NOT_FOUND'],
      [buyer, randomUUID(), 'NOT_FOUND'],
      [buyer, 'not-an-id', 'NOT_FOUND'],
      [ANONYMOUS, id, 'UNAUTHENTICATED'],
    ] as const;
    const subscriptions = attempts.map(([identity, orderId]) => subscribeAs(identity, orderId));
    for (const subscription of subscriptions) {
      await expect(subscription.ended).resolves.toEqual({ kind: 'complete' });
    }
    expect(subscriptions.map((subscription) => subscription.results.map(errorCodes))).toEqual(
      attempts.map(([, , code]) => [[code]]),
    );
    expect(await processesListening(redis, liveTopics.orderStatusChanged(id))).toBe(0);

    // The move still happens, and reaches no one of them.
    const watching = subscribeAs(buyer, id);
    await untilListening(id);
    await advance(id, 'SHIPPED');
    await watching.take(1);
    for (const subscription of subscriptions) expect(subscription.results).toHaveLength(1);
  });

  it('closes a connection without a signed identity with 4403', async () => {
    const client = wsClient(subgraph.url, {});
    clients.push(client);
    const subscription = client.subscribe(ORDER_STATUS_CHANGED, { orderId: randomUUID() });
    await expect(client.closed).resolves.toEqual({ code: 4403, reason: 'Forbidden' });
    expect(subscription.results).toEqual([]);
  });
});
