import { randomUUID } from 'node:crypto';
import { seedData } from '@shop/seed';
import type { RunningStack } from './support/test-stack';
import { countRows, errorCodes, graphqlRequest, testDatabaseUrl } from '@shop/testing';
import {
  AddToCartDocument,
  AdvanceOrderDocument,
  CancelOrderDocument,
  CheckoutDocument,
  OrderDocument,
  ProductPageDocument,
} from '../../clients/generated/operations';
import { signIn } from './support/shop';
import { startTestStack } from './support/test-stack';

const [ada, grace, alan] = seedData.users;
// Neither sold out nor nearly: the seed leaves offsets 5 and 9 of every 12 short.
const product = seedData.products[2]!;

describe('cancelling an order, through the router', () => {
  let stack: RunningStack;
  const signedIn: Record<string, Record<string, string>> = {};
  let checkouts = 0;

  beforeAll(async () => {
    stack = await startTestStack();
    for (const [name, email, password] of [
      ['admin', 'admin@shop.local', 'admin-dev-password'],
      ['alan', alan!.email, 'customer-dev-password'],
      ['grace', grace!.email, 'customer-dev-password'],
    ] as const) {
      signedIn[name] = await signIn(stack.router.url, email, password);
    }
  }, 60_000);
  afterAll(() => stack.stop());

  const as = (who: string): Record<string, string> => signedIn[who]!;
  const url = () => stack.router.url;
  const cancel = (id: string, who = 'alan') =>
    graphqlRequest(url(), CancelOrderDocument, { id }, as(who));
  const orderOf = async (id: string) =>
    (await graphqlRequest(url(), OrderDocument, { id }, as('alan'))).data!.order!;
  const availableOf = async () =>
    (await graphqlRequest(url(), ProductPageDocument, { id: product.id })).data!.product!.inventory!
      .available;

  /** Alan buys `quantity` of the product with his seeded address and card: a PAID order. */
  async function paidOrder(quantity: number) {
    const added = await graphqlRequest(
      url(),
      AddToCartDocument,
      { productId: product.id, quantity },
      as('alan'),
    );
    expect(added.errors).toBeUndefined();
    const address = seedData.addresses.find((candidate) => candidate.userId === alan!.id)!;
    const card = seedData.paymentMethods.find((candidate) => candidate.userId === alan!.id)!;
    const placed = await graphqlRequest(
      url(),
      CheckoutDocument,
      {
        input: {
          addressId: address.id,
          paymentMethodId: card.id,
          idempotencyKey: `alan-cancel-${++checkouts}`,
        },
      },
      as('alan'),
    );
    expect(placed.errors).toBeUndefined();
    expect(placed.data!.checkout.status).toBe('PAID');
    return placed.data!.checkout;
  }

  it('cancels a PAID order: CANCELLED, refunded in full, stock back, OrderCancelled recorded', async () => {
    const before = await availableOf();
    const order = await paidOrder(2);
    expect(await availableOf()).toBe(before - 2);

    const cancelled = await cancel(order.id);

    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data!.cancelOrder).toEqual({
      id: order.id,
      status: 'CANCELLED',
      payment: { status: 'REFUNDED', refunds: [{ amount: order.total }] },
    });
    expect(await availableOf()).toBe(before);
    const seen = await orderOf(order.id);
    expect(seen.statusHistory.map((change) => change.status)).toEqual([
      'PENDING',
      'PAID',
      'CANCELLED',
    ]);
    expect(
      await countRows(
        testDatabaseUrl('orders'),
        'OutboxEvent',
        `"type" = 'OrderCancelled' AND "aggregateId" = $1 AND "data"->>'reason' = 'CANCELLED_BY_BUYER'`,
        [order.id],
      ),
    ).toBe(1);
  });

  it('answers the cancelled order when cancelled again, refunding nothing more', async () => {
    const order = await paidOrder(1);
    const first = await cancel(order.id);

    const again = await cancel(order.id);

    expect(again.errors).toBeUndefined();
    expect(again.data).toEqual(first.data);
    expect(again.data!.cancelOrder.payment!.refunds).toHaveLength(1);
  });

  it('answers NOT_FOUND to another customer, as for an unknown order, and changes nothing', async () => {
    const order = await paidOrder(1);
    const before = await availableOf();

    const stranger = await cancel(order.id, 'grace');

    expect(errorCodes(stranger)).toEqual(['NOT_FOUND']);
    // Not CONFLICT either, though Ada's order has been delivered: its state does not leak.
    const adas = seedData.deliveredOrders.find((candidate) => candidate.userId === ada!.id)!;
    expect(errorCodes(await cancel(adas.id, 'grace'))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await cancel(randomUUID(), 'grace'))).toEqual(['NOT_FOUND']);
    const seen = await orderOf(order.id);
    expect(seen.status).toBe('PAID');
    expect(seen.payment).toEqual({ status: 'SUCCEEDED', refunds: [] });
    expect(await availableOf()).toBe(before);
  });

  it('refuses to cancel once SHIPPED with CONFLICT', async () => {
    const order = await paidOrder(1);
    const shipped = await graphqlRequest(
      url(),
      AdvanceOrderDocument,
      { id: order.id, to: 'SHIPPED' },
      as('admin'),
    );
    expect(shipped.data!.advanceOrder.status).toBe('SHIPPED');

    const result = await cancel(order.id);

    expect(errorCodes(result)).toEqual(['CONFLICT']);
    const seen = await orderOf(order.id);
    expect(seen.status).toBe('SHIPPED');
    expect(seen.payment).toEqual({ status: 'SUCCEEDED', refunds: [] });
  });
});
