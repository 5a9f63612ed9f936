import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { liveTopics } from '@shop/events';
import { ANONYMOUS } from '@shop/identity';
import { seedData } from '@shop/seed';
import {
  ADMIN_IDENTITY,
  deleteTestStreams,
  eventually,
  graphqlRequest,
  identityConnectionParams,
  identityHeaders,
  prepareTestDatabase,
  processesListening,
  TEST_IDENTITY_SECRET,
  testLogFile,
  testRedisSettings,
  testSubgraphSettings,
  wsClient,
  type TestWsClient,
  unreachableGraphqlUrl,
} from '@shop/testing';
import { startInventorySubgraph } from '@shop/inventory';
import { newProductId, type Running } from './helpers';

// The built subgraph, as production runs it (npm test builds before it tests).
const MAIN = path.resolve(__dirname, '../dist/main.js');

const RESTOCK = `mutation Restock($input: RestockInput!) { restock(input: $input) { available } }`;
const INVENTORY_CHANGED = `subscription InventoryChanged($productId: ID!) {
  inventoryChanged(productId: $productId) { productId available }
}`;

/** The inventory subgraph as a process of its own; resolves with its URL once it listens. */
function spawnInventory(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(testLogFile('inventory-second-instance'));
  child.stderr!.pipe(log);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the second instance exited (${code})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'subgraph listening' && entry.url) resolve({ url: entry.url, child });
    });
  });
}

describe('two inventory instances on one database and one Redis', () => {
  const redis = testRedisSettings();
  let first: Running;
  let second: { url: string; child: ChildProcess };
  const clients: TestWsClient[] = [];

  beforeAll(async () => {
    const databaseUrl = await prepareTestDatabase('inventory');
    const ordersUrl = await unreachableGraphqlUrl();
    first = await startInventorySubgraph(
      {
        ...testSubgraphSettings(databaseUrl),
        ...redis,
        reservationSweep: { intervalMs: 3_600_000, batchSize: 10 },
        services: { orders: ordersUrl },
      },
      { seed: true },
    );
    second = await spawnInventory({
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      INVENTORY_PORT: '0',
      DATABASE_URL_INVENTORY: databaseUrl,
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: redis.redisUrl,
      EVENT_STREAM_PREFIX: redis.streamPrefix,
      IDENTITY_SECRET: TEST_IDENTITY_SECRET,
      ORDERS_URL: ordersUrl,
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    const exited = new Promise((resolve) => second?.child.once('exit', resolve));
    second?.child.kill('SIGTERM');
    await exited;
    await first?.stop();
    await deleteTestStreams(redis);
  });

  const subscribeAt = (url: string, productId: string) => {
    const client = wsClient(url, identityConnectionParams(ANONYMOUS));
    clients.push(client);
    return client.subscribe<{ inventoryChanged: { productId: string; available: number } }>(
      INVENTORY_CHANGED,
      { productId },
    );
  };
  const restockAt = async (url: string, productId: string, quantity: number) => {
    const result = await graphqlRequest(
      url,
      RESTOCK,
      { input: { productId, warehouseId: seedData.warehouses[0]!.id, quantity } },
      identityHeaders(ADMIN_IDENTITY),
    );
    expect(result.errors).toBeUndefined();
  };

  it('tells the subscribers of both instances of a restock through either', async () => {
    const productId = newProductId();
    const atFirst = subscribeAt(first.url, productId);
    const atSecond = subscribeAt(second.url, productId);
    const topic = liveTopics.inventoryChanged(productId);
    // Each process listens on its own connection: two subscribers to the channel.
    await eventually(async () => expect(await processesListening(redis, topic)).toBe(2));

    const change = (available: number) => ({
      data: { inventoryChanged: { productId, available } },
    });
    await restockAt(second.url, productId, 5);
    expect(await atFirst.take(1)).toEqual([change(5)]);
    expect(await atSecond.take(1)).toEqual([change(5)]);

    await restockAt(first.url, productId, 3);
    expect(await atFirst.take(2)).toEqual([change(5), change(8)]);
    expect(await atSecond.take(2)).toEqual([change(5), change(8)]);
  });
});
