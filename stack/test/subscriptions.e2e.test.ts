import { liveTopics } from '@shop/events';
import { eventually, graphqlRequest, wsClient, type TestWsClient } from '@shop/testing';
import {
  AdvanceOrderDocument,
  CheckoutDocument,
  InventoryChangedDocument,
  LowStockAlertDocument,
  OrderStatusChangedDocument,
  PriceChangedDocument,
  RestockDocument,
  UpdatePriceDocument,
} from '../../clients/generated/operations';
import { seedData } from '@shop/seed';
import {
  addToCart,
  checkoutInput,
  newShopper,
  signInAdmin,
  stockedProduct,
  type Headers,
  type Shopper,
} from './support/shop';
import { untilListening } from './support/live';
import { startTestStack, type RunningStack } from './support/test-stack';

/**
 * Every contract subscription through the router over graphql-ws, with the
 * real subgraphs, Redis pub/sub and event streams: each event carries the
 * fields other subgraphs own, and the rules on who may listen hold.
 */
describe('subscriptions through the router', () => {
  let stack: RunningStack;
  let admin: Headers;
  let buyer: Shopper;
  let stranger: Shopper;
  const clients: TestWsClient[] = [];
  const url = () => stack.router.url;

  /** A graphql-ws client of the router, signed in with these headers' token (if any). */
  const connect = (headers: Headers = {}) => {
    const client = wsClient(
      url(),
      headers.authorization ? { authorization: headers.authorization } : {},
    );
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    stack = await startTestStack();
    admin = await signInAdmin(url());
    [buyer, stranger] = await Promise.all([
      newShopper(url(), 'Live Buyer'),
      newShopper(url(), 'Live Stranger'),
    ]);
  }, 60_000);
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(() => stack.stop());

  it('PriceChanged: the new price reaches an anonymous subscriber', async () => {
    const product = await stockedProduct(url(), admin, {
      name: 'Live Lamp',
      price: 1_000,
      units: [],
    });
    const subscription = connect().subscribe(PriceChangedDocument, { productId: product.id });
    await untilListening(stack, liveTopics.priceChanged(product.id));

    const update = await graphqlRequest(
      url(),
      UpdatePriceDocument,
      { productId: product.id, price: { amount: 1_250, currency: 'USD' } },
      admin,
    );
    expect(update.errors).toBeUndefined();
    const [event] = await subscription.take(1);
    expect(event).toEqual({
      data: {
        priceChanged: {
          id: product.id,
          name: product.name,
          price: { amount: 1_250, currency: 'USD' },
        },
      },
    });
  });

  it('InventoryChanged: a restock arrives with the product name and price from products', async () => {
    const product = await stockedProduct(url(), admin, {
      name: 'Live Kettle',
      price: 3_000,
      units: [],
    });
    const subscription = connect().subscribe(InventoryChangedDocument, { productId: product.id });
    await untilListening(stack, liveTopics.inventoryChanged(product.id));

    const restock = await graphqlRequest(
      url(),
      RestockDocument,
      { input: { productId: product.id, warehouseId: seedData.warehouses[0]!.id, quantity: 7 } },
      admin,
    );
    expect(restock.errors).toBeUndefined();
    const [event] = await subscription.take(1);
    expect(event).toEqual({
      data: {
        inventoryChanged: {
          productId: product.id,
          available: 7,
          inStock: true,
          product: {
            id: product.id,
            name: product.name,
            price: { amount: 3_000, currency: 'USD' },
          },
        },
      },
    });
  });

  describe('OrderStatusChanged and LowStockAlert', () => {
    let product: { id: string; name: string };
    let orderId: string;

    beforeAll(async () => {
      // 6 units, the default threshold 5: the buyer's unit brings it to the threshold.
      product = await stockedProduct(url(), admin, {
        name: 'Live Teapot',
        price: 2_000,
        units: [6],
      });
      await addToCart(url(), buyer, product.id, 1);
    });

    it('LowStockAlert: an ADMIN hears of the stock the checkout took; a customer may not listen', async () => {
      const alerts = connect(admin).subscribe(LowStockAlertDocument);
      const refused = connect(stranger.headers).subscribe(LowStockAlertDocument);
      expect(await refused.ended).toMatchObject({
        kind: 'error',
        errors: [
          expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
        ],
      });
      await untilListening(stack, liveTopics.lowStockAlert());

      const checkout = await graphqlRequest(
        url(),
        CheckoutDocument,
        checkoutInput(buyer),
        buyer.headers,
      );
      expect(checkout.errors).toBeUndefined();
      expect(checkout.data!.checkout.status).toBe('PAID');
      orderId = checkout.data!.checkout.id;

      await eventually(() =>
        expect(alerts.results.map((result) => result.data?.lowStockAlert)).toContainEqual({
          productId: product.id,
          available: 5,
          threshold: 5,
          product: { id: product.id, name: product.name },
        }),
      );
      expect(refused.results).toEqual([]);
    });

    it('OrderStatusChanged: the buyer sees SHIPPED with items, payment and buyer from three other subgraphs', async () => {
      const watch = connect(buyer.headers).subscribe(OrderStatusChangedDocument, { orderId });
      await untilListening(stack, liveTopics.orderStatusChanged(orderId));

      const advance = await graphqlRequest(
        url(),
        AdvanceOrderDocument,
        { id: orderId, to: 'SHIPPED' },
        admin,
      );
      expect(advance.errors).toBeUndefined();
      const [event] = await watch.take(1);
      expect(event).toEqual({
        data: {
          orderStatusChanged: {
            id: orderId,
            number: expect.any(Number),
            status: 'SHIPPED',
            items: [{ product: { id: product.id, name: product.name }, quantity: 1 }],
            payment: { status: 'SUCCEEDED' },
            buyer: { id: buyer.userId, name: 'Live Buyer' },
          },
        },
      });
    });

    it('OrderStatusChanged: another customer gets NOT_FOUND and no events', async () => {
      const snooping = connect(stranger.headers).subscribe(OrderStatusChangedDocument, { orderId });
      // orders refuses it when it starts: one result with the error, then the end.
      expect(await snooping.ended).toEqual({ kind: 'complete' });
      expect(snooping.results).toEqual([
        {
          data: null,
          errors: [
            expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) }),
          ],
        },
      ]);
      const delivered = await graphqlRequest(
        url(),
        AdvanceOrderDocument,
        { id: orderId, to: 'DELIVERED' },
        admin,
      );
      expect(delivered.errors).toBeUndefined();
      expect(snooping.results.filter((result) => result.data)).toEqual([]);
    });

    it('OrderStatusChanged: an anonymous connection is closed with 4403', async () => {
      const client = connect();
      const anonymous = client.subscribe(OrderStatusChangedDocument, { orderId });
      expect(await client.closed).toMatchObject({ code: 4403 });
      expect(anonymous.results).toEqual([]);
    });
  });
});
