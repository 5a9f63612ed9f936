import { graphqlRequest } from '@shop/testing';
import { seedData } from '@shop/seed';
import type { RunningStack } from '@shop/stack';
import {
  AddPaymentMethodDocument,
  AddToCartDocument,
  AdvanceOrderDocument,
  CartDocument,
  LoginDocument,
  MeDocument,
  UpdateCartItemDocument,
} from '../../clients/generated/operations';
import { startTestStack } from './support/test-stack';

const [, , alan] = seedData.users;
const [first, second] = seedData.products;

describe('the first parts of buying, through the router: cards, cart, fulfilment', () => {
  let stack: RunningStack;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    stack = await startTestStack();
    for (const [name, email, password] of [
      ['admin', 'admin@shop.local', 'admin-dev-password'],
      ['alan', alan!.email, 'customer-dev-password'],
    ] as const) {
      tokens[name] = (
        await graphqlRequest(stack.router.url, LoginDocument, { email, password })
      ).data!.login.accessToken;
    }
  }, 60_000);
  afterAll(() => stack.stop());

  const as = (who: string | null): Record<string, string> =>
    who ? { authorization: `Bearer ${tokens[who]}` } : {};
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

  it('does not expose the internal charge operation to clients', async () => {
    const result = await graphqlRequest(
      url(),
      'mutation { chargePayment(input: { orderId: "x", userId: "x", paymentMethodId: "x", amount: 1, currency: "USD", idempotencyKey: "k" }) { id } }',
      undefined,
      as('admin'),
    );
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
