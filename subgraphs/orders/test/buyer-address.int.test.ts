import type { ServiceUrls } from '@shop/orders';
import { eventually, queryTestDatabase } from '@shop/testing';
import { connectDatabase, type Database } from '../src/db';
import { silentPort, startSagaSubgraphs, type SagaSubgraphs } from './saga-subgraphs';

const ADD_ADDRESS = `mutation($input: AddressInput!) { addAddress(input: $input) { id } }`;
const COPY_LANE = { line1: '9 Copy Lane', city: 'Copyville', postalCode: '99999', country: 'FR' };

describe("checkout's shipping address, from orders' copy of the buyers' addresses (real PostgreSQL)", () => {
  let saga: SagaSubgraphs;
  let ordersDb: Database;
  let silent: Awaited<ReturnType<typeof silentPort>>;

  beforeAll(async () => {
    saga = await startSagaSubgraphs();
    ordersDb = connectDatabase(saga.urls.orders, 2);
    silent = await silentPort();
  });
  afterAll(async () => {
    await ordersDb.disconnect();
    await saga.stop();
    await silent.close();
  });

  const instance = (services?: ServiceUrls) => saga.anotherOrdersInstance(ordersDb, services);

  /** An address saved through users (announced by AddressAdded), once orders has its copy. */
  async function savedAndCopied(buyer: Awaited<ReturnType<SagaSubgraphs['newBuyer']>>) {
    const saved = await saga.as<{ addAddress: { id: string } }>(
      saga.users.url,
      buyer.identity,
      ADD_ADDRESS,
      { input: COPY_LANE },
    );
    expect(saved.errors).toBeUndefined();
    const addressId = saved.data!.addAddress.id;
    await eventually(async () => {
      const copies = await queryTestDatabase<{ userId: string; line1: string }>(
        saga.urls.orders,
        `SELECT "userId"::text, "line1" FROM "BuyerAddress" WHERE "id" = $1`,
        [addressId],
      );
      expect(copies).toEqual([{ userId: buyer.userId, line1: COPY_LANE.line1 }]);
    });
    return addressId;
  }

  it('checks out to an address users announced without asking users for it', async () => {
    const productId = await saga.newProduct(3);
    const buyer = await saga.newBuyer(productId, 1);
    const addressId = await savedAndCopied(buyer);
    // An orders instance whose calls to users never get an answer.
    const cutOff = instance({ ...saga.ordersConfig.services, users: silent.url });

    const { order } = await cutOff.checkout.checkout(buyer.identity, {
      ...buyer.input,
      addressId,
      paymentMethodId: buyer.input.paymentMethodId!,
    });

    expect(order).toMatchObject({
      status: 'PAID',
      shippingAddress: { ...COPY_LANE, line2: null },
    });
  });

  it("reads an address orders has no copy of from users, and never uses another buyer's copy", async () => {
    const productId = await saga.newProduct(3);
    // newBuyer writes its address straight into users' database: no event, so no copy.
    const buyer = await saga.newBuyer(productId, 1);
    const other = await saga.newBuyer(productId, 1);
    const othersAddressId = await savedAndCopied(other);

    const { checkout } = instance();
    const refused = await checkout
      .checkout(buyer.identity, {
        ...buyer.input,
        addressId: othersAddressId,
        paymentMethodId: buyer.input.paymentMethodId!,
      })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ extensions: { code: 'NOT_FOUND' } });

    const { order } = await checkout.checkout(buyer.identity, {
      ...buyer.input,
      paymentMethodId: buyer.input.paymentMethodId!,
    });
    expect(order).toMatchObject({
      status: 'PAID',
      shippingAddress: { line1: '1 Test Street', city: 'Testville', country: 'DE' },
    });
    expect(await saga.ordersOf(other.userId)).toEqual([]);
  });
});
