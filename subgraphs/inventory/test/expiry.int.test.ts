import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { createLogger } from '@shop/platform';
import { eventually, prepareTestDatabase, queryTestDatabase } from '@shop/testing';
import { seedData } from '@shop/seed';
import { newProductId, startWatchedInventory, stockRowsOf } from './helpers';

const [berlin] = seedData.warehouses;

/**
 * The sweeper with orders away. What it does once orders answers (commit a
 * paid order's hold, release one whose order orders ended) is shown with a
 * real orders subgraph in subgraphs/orders/test/expired-holds.int.test.ts.
 */
describe('reservation expiry while orders does not answer (real PostgreSQL)', () => {
  let databaseUrl: string;
  let inventory: Awaited<ReturnType<typeof startWatchedInventory>>;
  let orders: Server;
  let ordersCalls = 0;
  const logLines: { level: string; msg: string; orderId?: string }[] = [];

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('inventory');
    // Orders' address takes connections and drops them: down, as far as its callers can tell.
    orders = createServer((socket) => {
      ordersCalls += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => orders.listen(0, '127.0.0.1', resolve));
    const log = createLogger('inventory', 'info', {
      write: (line: string) => void logLines.push(JSON.parse(line) as (typeof logLines)[number]),
    });
    const { port } = orders.address() as AddressInfo;
    inventory = await startWatchedInventory(databaseUrl, {
      sweepIntervalMs: 200,
      log,
      ordersUrl: `http://127.0.0.1:${port}/graphql`,
    });
  });
  afterAll(async () => {
    await inventory.stop();
    await new Promise((resolve) => orders.close(resolve));
  });

  const statusOf = async (id: string) =>
    (
      await queryTestDatabase<{ status: string }>(
        databaseUrl,
        'SELECT status::text FROM "Reservation" WHERE id = $1',
        [id],
      )
    )[0]!.status;

  it('leaves a hold past its expiry HELD, its units held, and logs that once', async () => {
    const services = inventory.subgraph.services;
    const productId = newProductId();
    await services.stock.restock({ productId, warehouseId: berlin!.id, quantity: 8 });
    const expiring = await services.reservations.reserve({
      orderId: randomUUID(),
      idempotencyKey: randomUUID(),
      lines: [{ productId, quantity: 3 }],
      ttlSeconds: 1,
    });

    // Several sweeps ask (each with its retries) and find no orders.
    const before = ordersCalls;
    await eventually(() => expect(ordersCalls - before).toBeGreaterThanOrEqual(9), 15_000);

    await expect(statusOf(expiring.id)).resolves.toBe('HELD');
    await expect(stockRowsOf(databaseUrl, productId)).resolves.toEqual([
      { warehouseId: berlin!.id, onHand: 8, reserved: 3 },
    ]);
    const warnings = logLines.filter((line) => line.msg.startsWith('orders did not settle'));
    expect(warnings).toEqual([
      expect.objectContaining({ level: 'warn', orderId: expiring.orderId }),
    ]);
  });
});
