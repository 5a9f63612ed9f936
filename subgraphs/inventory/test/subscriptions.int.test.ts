import WebSocket from 'ws';
import { liveTopics } from '@shop/events';
import { ANONYMOUS, IDENTITY_HEADER, signIdentity, type Identity } from '@shop/identity';
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
  unreachableGraphqlUrl,
} from '@shop/testing';
import { startInventorySubgraph } from '@shop/inventory';
import { newProductId, type Running } from './helpers';

const RESTOCK = `mutation Restock($input: RestockInput!) { restock(input: $input) { available } }`;
const INVENTORY_CHANGED = `subscription InventoryChanged($productId: ID!) {
  inventoryChanged(productId: $productId) { productId available inStock product { id } }
}`;
const LOW_STOCK_ALERT = `subscription { lowStockAlert { productId available threshold product { id } } }`;

const [berlin, lyon] = seedData.warehouses;
const customer = userIdentity(seedData.users[0]!.id);
const KEEPALIVE_MS = 200;

describe('inventory subscriptions over graphql-ws (real PostgreSQL and Redis)', () => {
  const redis = testRedisSettings();
  let subgraph: Running;
  const clients: TestWsClient[] = [];

  beforeAll(async () => {
    const databaseUrl = await prepareTestDatabase('inventory');
    subgraph = await startInventorySubgraph(
      {
        ...testSubgraphSettings(databaseUrl),
        ...redis,
        subscriptionKeepAliveMs: KEEPALIVE_MS,
        reservationSweep: { intervalMs: 3_600_000, batchSize: 10 },
        services: { orders: await unreachableGraphqlUrl() },
      },
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

  const connect = (identity: Identity) => {
    const client = wsClient(subgraph.url, identityConnectionParams(identity));
    clients.push(client);
    return client;
  };
  const restock = async (
    productId: string,
    warehouseId: string,
    quantity: number,
    lowStockThreshold?: number,
  ) => {
    const result = await graphqlRequest(
      subgraph.url,
      RESTOCK,
      { input: { productId, warehouseId, quantity, lowStockThreshold } },
      identityHeaders(ADMIN_IDENTITY),
    );
    expect(result.errors).toBeUndefined();
  };
  const untilListening = (topic: Parameters<typeof processesListening>[1], count = 1) =>
    eventually(async () => expect(await processesListening(redis, topic)).toBe(count));

  it('tells anyone of every change of a product’s stock, read fresh for each', async () => {
    const productId = newProductId();
    const subscription = connect(ANONYMOUS).subscribe(INVENTORY_CHANGED, { productId });
    await untilListening(liveTopics.inventoryChanged(productId));

    const change = (available: number) => ({
      data: {
        inventoryChanged: { productId, available, inStock: true, product: { id: productId } },
      },
    });
    await restock(productId, berlin!.id, 7);
    expect(await subscription.take(1)).toEqual([change(7)]);
    // A subscription that cached what it read for the first event would answer 7 again.
    await restock(productId, lyon!.id, 3);
    expect(await subscription.take(2)).toEqual([change(7), change(10)]);
  });

  it('stops listening when the client unsubscribes or disconnects', async () => {
    const productId = newProductId();
    const topic = liveTopics.inventoryChanged(productId);
    const client = connect(ANONYMOUS);
    const first = client.subscribe(INVENTORY_CHANGED, { productId });
    const second = client.subscribe(INVENTORY_CHANGED, { productId });
    await untilListening(topic);

    first.unsubscribe();
    await restock(productId, berlin!.id, 1);
    await second.take(1);
    expect(first.results).toEqual([]);
    expect(await processesListening(redis, topic)).toBe(1);

    await client.close();
    await untilListening(topic, 0);
  });

  it('refuses a malformed product id at subscribe time', async () => {
    const subscription = connect(ANONYMOUS).subscribe(INVENTORY_CHANGED, { productId: 'nope' });
    await expect(subscription.ended).resolves.toEqual({ kind: 'complete' });
    expect(subscription.results.map(errorCodes)).toEqual([['BAD_USER_INPUT']]);
  });

  it('alerts ADMINs when a change leaves a product at or below its threshold', async () => {
    const productId = newProductId();
    const alerts = connect(ADMIN_IDENTITY).subscribe(LOW_STOCK_ALERT);
    await untilListening(liveTopics.lowStockAlert());

    await restock(productId, berlin!.id, 2, 10);
    await restock(productId, berlin!.id, 20);

    const [alert] = await alerts.take(1);
    expect(alert).toEqual({
      data: {
        lowStockAlert: { productId, available: 2, threshold: 10, product: { id: productId } },
      },
    });
    // The second restock left 22 available, above the threshold: no alert for it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(alerts.results).toHaveLength(1);
  });

  it('refuses lowStockAlert to customers and anonymous callers, before anything is heard', async () => {
    for (const [identity, code] of [
      [customer, 'FORBIDDEN'],
      [ANONYMOUS, 'UNAUTHENTICATED'],
    ] as const) {
      const subscription = connect(identity).subscribe(LOW_STOCK_ALERT);
      await expect(subscription.ended).resolves.toEqual({ kind: 'complete' });
      // Errors at subscribe time: no data at all, then the subscription completes.
      expect(subscription.results).toEqual([
        { errors: [expect.objectContaining({ path: ['lowStockAlert'] })] },
      ]);
      expect(errorCodes(subscription.results[0]!)).toEqual([code]);
    }
    expect(await processesListening(redis, liveTopics.lowStockAlert())).toBe(0);
  });

  it('closes a connection without a valid signed identity with 4403', async () => {
    const forged = signIdentity(ADMIN_IDENTITY, 'not the secret');
    for (const params of [{}, { [IDENTITY_HEADER]: forged }, { [IDENTITY_HEADER]: 'v1.x.y' }]) {
      const client = wsClient(subgraph.url, params);
      clients.push(client);
      const subscription = client.subscribe(INVENTORY_CHANGED, { productId: newProductId() });
      await expect(client.closed).resolves.toEqual({ code: 4403, reason: 'Forbidden' });
      await expect(subscription.ended).resolves.toMatchObject({ kind: 'error' });
      expect(subscription.results).toEqual([]);
    }
  });

  it('serves queries and mutations over HTTP only', async () => {
    const subscription = connect(ADMIN_IDENTITY).subscribe('{ warehouses { id } }');
    await expect(subscription.ended).resolves.toEqual({ kind: 'complete' });
    expect(subscription.results.map(errorCodes)).toEqual([['BAD_REQUEST']]);
  });

  it('pings every socket and cuts off one that stops answering', async () => {
    const url = subgraph.url.replace(/^http/, 'ws');
    const open = (autoPong: boolean) =>
      new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(url, 'graphql-transport-ws', { autoPong });
        socket.once('open', () => resolve(socket));
        socket.once('error', reject);
      });
    const [silent, alive] = await Promise.all([open(false), open(true)]);
    const init = JSON.stringify({
      type: 'connection_init',
      payload: identityConnectionParams(ANONYMOUS, 'inventory'),
    });
    silent.send(init);
    alive.send(init);
    let pings = 0;
    silent.on('ping', () => pings++);
    const closed = new Promise<number>((resolve) => silent.once('close', resolve));

    // Cut off after a ping goes unanswered for a keep-alive interval.
    await expect(closed).resolves.toBe(1006);
    expect(pings).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, KEEPALIVE_MS * 3));
    expect(alive.readyState).toBe(WebSocket.OPEN);
    alive.close();
  });
});

describe('stopping the inventory subgraph', () => {
  it('closes its subscribers’ sockets (1001) instead of leaving them hanging', async () => {
    const redis = testRedisSettings();
    const databaseUrl = await prepareTestDatabase('inventory');
    const subgraph = await startInventorySubgraph({
      ...testSubgraphSettings(databaseUrl),
      ...redis,
      reservationSweep: { intervalMs: 3_600_000, batchSize: 10 },
      services: { orders: await unreachableGraphqlUrl() },
    });
    const productId = newProductId();
    const client = wsClient(subgraph.url, identityConnectionParams(ANONYMOUS));
    const subscription = client.subscribe(INVENTORY_CHANGED, { productId });
    const topic = liveTopics.inventoryChanged(productId);
    await eventually(async () => expect(await processesListening(redis, topic)).toBe(1));

    const started = Date.now();
    await subgraph.stop();
    await expect(client.closed).resolves.toEqual({ code: 1001, reason: 'Going away' });
    await expect(subscription.ended).resolves.toMatchObject({
      kind: 'error',
      close: { code: 1001 },
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await processesListening(redis, topic)).toBe(0);
    await client.close();
    await deleteTestStreams(redis);
  });
});
