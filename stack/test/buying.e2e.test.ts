import { graphqlRequest } from '@shop/testing';
import { seedData } from '@shop/seed';
import type { RunningStack } from './support/test-stack';
import {
  AddPaymentMethodDocument,
  AddToCartDocument,
  AdvanceOrderDocument,
  CartDocument,
  CheckoutDocument,
  MeDocument,
  OrderDocument,
  UpdateCartItemDocument,
} from '../../clients/generated/operations';
import { signIn } from './support/shop';
import { startTestStack } from './support/test-stack';

const [, , alan] = seedData.users;
const [first, second] = seedData.products;

describe('the first parts of buying, through the router: cards, cart, fulfilment', () => {
  let stack: RunningStack;
  const signedIn: Record<string, Record<string, string>> = {};
  beforeAll(async () => {
    stack = await startTestStack();
    for (const [name, email, password] of [
      ['admin', 'admin@shop.local', 'admin-dev-password'],
      ['alan', alan!.email, 'customer-dev-password'],
    ] as const) {
      signedIn[name] = await signIn(stack.router.url, email, password);
    }
  }, 60_000);
  afterAll(() => stack.stop());

  const as = (who: string | null): Record<string, string> => (who ? signedIn[who]! : {});
  const url = () => stack.router.url;

  it('adds a card as a token with brand and last4 only, and refuses a bad number', async () => {
    const added = await graphqlRequest(
      url(),
      AddPaymentMethodDocument,
      { input: { cardNumber: '4242 4242 4242 4242', expMonth: 12, expYear: 2031, cvc: '123' } },
      as('alan'),
    );
    expect(added.errors).toBeUndefined();
    expect(added.data!.addPaymentMethod).toMatchObject({
      brand: 'VISA',
      last4: '4242',
      expMonth: 12,
      expYear: 2031,
    });
    expect(JSON.stringify(added.body)).not.toContain('4242424242424242');

    const me = await graphqlRequest(url(), MeDocument, undefined, as('alan'));
    expect(me.data!.me!.paymentMethods).toContainEqual(
      expect.objectContaining({ id: added.data!.addPaymentMethod.id }),
    );

    const bad = await graphqlRequest(
      url(),
      AddPaymentMethodDocument,
      { input: { cardNumber: '4242424242424241', expMonth: 12, expYear: 2031, cvc: '123' } },
      as('alan'),
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const anonymous = await graphqlRequest(url(), AddPaymentMethodDocument, {
      input: { cardNumber: '4242424242424242', expMonth: 12, expYear: 2031, cvc: '123' },
    });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('keeps a cart with a subtotal from the projected prices', async () => {
    const added = await graphqlRequest(
      url(),
      AddToCartDocument,
      { productId: first!.id, quantity: 2 },
      as('alan'),
    );
    expect(added.errors).toBeUndefined();
    await graphqlRequest(
      url(),
      AddToCartDocument,
      { productId: second!.id, quantity: 1 },
      as('alan'),
    );
    const cart = await graphqlRequest(url(), CartDocument, undefined, as('alan'));
    expect(cart.data!.cart!.items).toHaveLength(2);
    expect(cart.data!.cart!.subtotal).toEqual({
      amount: 2 * first!.price.amount + second!.price.amount,
      currency: 'USD',
    });
    expect(cart.data!.cart!.items.map((item) => item.product.name).sort()).toEqual(
      [first!.name, second!.name].sort(),
    );

    const removed = await graphqlRequest(
      url(),
      UpdateCartItemDocument,
      { productId: second!.id, quantity: 0 },
      as('alan'),
    );
    expect(removed.data!.updateCartItem.items).toEqual([
      { product: { id: first!.id }, quantity: 2 },
    ]);
    const negative = await graphqlRequest(
      url(),
      AddToCartDocument,
      { productId: first!.id, quantity: -1 },
      as('alan'),
    );
    expect(negative.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('checks out the cart: reserved, charged and PAID; the same key returns the same order', async () => {
    const address = seedData.addresses.find((candidate) => candidate.userId === alan!.id)!;
    const card = seedData.paymentMethods.find((candidate) => candidate.userId === alan!.id)!;
    const input = {
      addressId: address.id,
      paymentMethodId: card.id,
      idempotencyKey: 'alan-checkout-1',
    };
    const placed = await graphqlRequest(url(), CheckoutDocument, { input }, as('alan'));
    expect(placed.errors).toBeUndefined();
    const order = placed.data!.checkout;
    expect(order).toMatchObject({
      status: 'PAID',
      total: { amount: 2 * first!.price.amount, currency: 'USD' },
      items: [
        { product: { id: first!.id, name: first!.name }, quantity: 2, unitPrice: first!.price },
      ],
      payment: {
        status: 'SUCCEEDED',
        amount: { amount: 2 * first!.price.amount },
        method: { last4: '4242' },
      },
      shippingAddress: { line1: address.line1, country: address.country },
    });
    const again = await graphqlRequest(url(), CheckoutDocument, { input }, as('alan'));
    expect(again.data!.checkout.id).toBe(order.id);
    expect(again.data!.checkout.payment!.id).toBe(order.payment!.id);
    const cart = await graphqlRequest(url(), CartDocument, undefined, as('alan'));
    expect(cart.data!.cart!.items).toEqual([]);

    // The ADMIN ships and delivers it; the buyer sees the history.
    for (const to of ['SHIPPED', 'DELIVERED'] as const) {
      const advanced = await graphqlRequest(
        url(),
        AdvanceOrderDocument,
        { id: order.id, to },
        as('admin'),
      );
      expect(advanced.data!.advanceOrder.status).toBe(to);
    }
    const seen = await graphqlRequest(url(), OrderDocument, { id: order.id }, as('alan'));
    expect(seen.data!.order!.statusHistory.map((change) => change.status)).toEqual([
      'PENDING',
      'PAID',
      'SHIPPED',
      'DELIVERED',
    ]);
  });

  it('answers a declined card with PAYMENT_DECLINED and leaves nothing charged or held', async () => {
    const declining = await graphqlRequest(
      url(),
      AddPaymentMethodDocument,
      { input: { cardNumber: '4000000000000002', expMonth: 1, expYear: 2032, cvc: '999' } },
      as('alan'),
    );
    await graphqlRequest(
      url(),
      AddToCartDocument,
      { productId: second!.id, quantity: 1 },
      as('alan'),
    );
    const address = seedData.addresses.find((candidate) => candidate.userId === alan!.id)!;
    const result = await graphqlRequest(
      url(),
      CheckoutDocument,
      {
        input: {
          addressId: address.id,
          paymentMethodId: declining.data!.addPaymentMethod.id,
          idempotencyKey: 'alan-declined-1',
        },
      },
      as('alan'),
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('PAYMENT_DECLINED');
  });

  it('lets only ADMINs advance orders, and only along PAID → SHIPPED → DELIVERED', async () => {
    const delivered = seedData.deliveredOrders[0]!;
    const illegal = await graphqlRequest(
      url(),
      AdvanceOrderDocument,
      { id: delivered.id, to: 'SHIPPED' },
      as('admin'),
    );
    expect(illegal.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const customer = await graphqlRequest(
      url(),
      AdvanceOrderDocument,
      { id: delivered.id, to: 'SHIPPED' },
      as('alan'),
    );
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it.each([
    'chargePayment(input: { orderId: "x", userId: "x", paymentMethodId: "x", amount: 1, currency: "USD", idempotencyKey: "k", ttlSeconds: 60 })',
    'voidPayment(id: "x")',
  ])('does not expose the saga’s internal payment operation %s to clients', async (field) => {
    const result = await graphqlRequest(
      url(),
      `mutation { ${field} { id } }`,
      undefined,
      as('admin'),
    );
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
