import { randomUUID } from 'node:crypto';
import type { Identity } from '@shop/identity';
import { seedData } from '@shop/seed';
import {
  ADMIN_IDENTITY,
  graphqlRequest,
  identityHeaders,
  prepareTestDatabase,
  userIdentity,
} from '@shop/testing';
import { startWatchedInventory } from './helpers';

const ORDERS: Identity = { kind: 'service', service: 'orders', scopes: ['inventory:reserve'] };
const RESERVE = `mutation($input: ReserveStockInput!) {
  reserveStock(input: $input) { id orderId status lines { productId quantity } } }`;
const COMMIT = `mutation($id: ID!) { commitReservation(id: $id) { id status } }`;
const RELEASE = `mutation($id: ID!) { releaseReservation(id: $id) { id status } }`;
const RETURN = `mutation($id: ID!) { returnReservation(id: $id) { id status } }`;
const RESTOCK = `mutation($input: RestockInput!) { restock(input: $input) { available } }`;

interface ReservationView {
  id: string;
  status: string;
}

describe('the reservation mutations the checkout saga calls (real PostgreSQL)', () => {
  let inventory: Awaited<ReturnType<typeof startWatchedInventory>>;
  const [warehouse] = seedData.warehouses;

  beforeAll(async () => {
    inventory = await startWatchedInventory(await prepareTestDatabase('inventory'));
  });
  afterAll(() => inventory.stop());

  const as = <Data = Record<string, unknown>>(
    identity: Identity,
    query: string,
    variables: Record<string, unknown>,
  ) => graphqlRequest<Data>(inventory.subgraph.url, query, variables, identityHeaders(identity));

  async function productWith(units: number): Promise<string> {
    const productId = randomUUID();
    const restocked = await as(ADMIN_IDENTITY, RESTOCK, {
      input: { productId, warehouseId: warehouse?.id, quantity: units },
    });
    expect(restocked.errors).toBeUndefined();
    return productId;
  }

  const reserveInput = (productId: string, quantity: number) => ({
    orderId: randomUUID(),
    idempotencyKey: randomUUID(),
    lines: [{ productId, quantity }],
    ttlSeconds: 60,
  });

  it('holds, commits and releases for a service with inventory:reserve', async () => {
    const productId = await productWith(3);
    const held = await as<{ reserveStock: ReservationView }>(ORDERS, RESERVE, {
      input: reserveInput(productId, 2),
    });
    expect(held.data?.reserveStock).toMatchObject({
      status: 'HELD',
      lines: [{ productId, quantity: 2 }],
    });
    const id = held.data?.reserveStock.id;
    const committed = await as<{ commitReservation: ReservationView }>(ORDERS, COMMIT, { id });
    expect(committed.data?.commitReservation.status).toBe('COMMITTED');

    const other = await as<{ reserveStock: ReservationView }>(ORDERS, RESERVE, {
      input: reserveInput(productId, 1),
    });
    const released = await as<{ releaseReservation: ReservationView }>(ORDERS, RELEASE, {
      id: other.data?.reserveStock.id,
    });
    expect(released.data?.releaseReservation.status).toBe('RELEASED');
  });

  it('returns committed units for a service with inventory:reserve, and releases a hold not committed yet', async () => {
    const productId = await productWith(3);
    const reserved = await Promise.all(
      [1, 2].map(() =>
        as<{ reserveStock: ReservationView }>(ORDERS, RESERVE, {
          input: reserveInput(productId, 1),
        }),
      ),
    );
    const [committedId, heldId] = reserved.map((result) => result.data?.reserveStock.id);
    await as(ORDERS, COMMIT, { id: committedId });

    const returned = await as<{ returnReservation: ReservationView }>(ORDERS, RETURN, {
      id: committedId,
    });
    // A paid order's hold that OrderPaid's consumer has not committed yet: released.
    const released = await as<{ returnReservation: ReservationView }>(ORDERS, RETURN, {
      id: heldId,
    });

    expect(returned.errors).toBeUndefined();
    expect(returned.data?.returnReservation).toEqual({ id: committedId, status: 'RETURNED' });
    expect(released.errors).toBeUndefined();
    expect(released.data?.returnReservation).toEqual({ id: heldId, status: 'RELEASED' });
    const stock = await as<{ restock: { available: number } }>(ADMIN_IDENTITY, RESTOCK, {
      input: { productId, warehouseId: warehouse?.id, quantity: 1 },
    });
    expect(stock.data?.restock.available).toBe(4);
  });

  it('answers OUT_OF_STOCK with the productId short', async () => {
    const productId = await productWith(1);
    const result = await as(ORDERS, RESERVE, { input: reserveInput(productId, 2) });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'OUT_OF_STOCK', productId });
  });

  it('refuses customers, ADMINs and services without the scope', async () => {
    const productId = await productWith(1);
    const outsiders: Identity[] = [
      userIdentity(randomUUID()),
      ADMIN_IDENTITY,
      { kind: 'service', service: 'search', scopes: ['payments:charge'] },
    ];
    for (const identity of outsiders) {
      const result = await as(identity, RESERVE, { input: reserveInput(productId, 1) });
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const release = await as(identity, RELEASE, { id: randomUUID() });
      expect(release.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const giveBack = await as(identity, RETURN, { id: randomUUID() });
      expect(giveBack.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});
