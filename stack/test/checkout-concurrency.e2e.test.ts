import { randomUUID } from 'node:crypto';
import { errorCodes, eventually, graphqlRequest } from '@shop/testing';
import { CheckoutDocument, ProductPageDocument } from '../../clients/generated/operations';
import {
  addToCart,
  checkoutInput,
  newShopper,
  newShoppers,
  signInAdmin,
  stockedProduct,
  type Headers,
} from './support/shop';
import {
  availableOf,
  ordersOf,
  paymentsOf,
  reservationsOf,
  stockOf,
  type StockRow,
} from './support/stored';
import { startTestStack, type RunningStack } from './support/test-stack';

const BUYERS = 20;
const UNITS = [3, 2]; // 5 units, over two warehouses
const SOLD = UNITS.reduce((sum, units) => sum + units, 0);

describe('checkouts racing through the router', () => {
  let stack: RunningStack;
  let admin: Headers;
  beforeAll(async () => {
    // What is shown here is who gets the stock, not how fast: on a busy machine 20 sagas at
    // once may keep the router waiting past its default 10 s for the slowest checkout.
    stack = await startTestStack({ SUBGRAPH_TIMEOUT_MS: '30000' });
    admin = await signInAdmin(url());
  }, 60_000);
  afterAll(() => stack.stop());

  const url = () => stack.router.url;

  it(`sells ${SOLD} units to exactly ${SOLD} of ${BUYERS} buyers checking out at once`, async () => {
    const product = await stockedProduct(url(), admin, {
      name: 'Last Few',
      price: 1_999,
      units: UNITS,
    });
    const buyers = await newShoppers(
      url(),
      Array.from({ length: BUYERS }, (_, index) => `Racer ${index}`),
    );
    for (const buyer of buyers) await addToCart(url(), buyer, product.id);

    // Every state of the stock rows seen while the checkouts run, to show none was ever below 0.
    const seen: StockRow[] = [];
    let racing = true;
    const watching = (async () => {
      while (racing) seen.push(...(await stockOf(product.id)));
    })();
    const answers = await Promise.all(
      buyers.map((buyer) =>
        graphqlRequest(url(), CheckoutDocument, checkoutInput(buyer), buyer.headers),
      ),
    );
    racing = false;
    await watching;

    // How each buyer fared: the order's status, or the error's code and message.
    const outcomes: Record<string, number> = {};
    for (const answer of answers) {
      const [error] = answer.errors ?? [];
      const outcome = error
        ? `${String(error.extensions?.code)}${error.extensions?.code === 'OUT_OF_STOCK' ? '' : `: ${error.message}`}`
        : answer.data!.checkout.status;
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    expect(outcomes).toEqual({ PAID: SOLD, OUT_OF_STOCK: BUYERS - SOLD });
    const paid = answers.filter((answer) => answer.data?.checkout.status === 'PAID');
    const refused = answers.filter((answer) => errorCodes(answer)[0] === 'OUT_OF_STOCK');
    for (const answer of refused) {
      const [error] = answer.errors!;
      expect(error!.extensions).toMatchObject({ productId: product.id });
      expect(error!.message).toContain(product.id);
    }
    for (const answer of paid) {
      expect(answer.data!.checkout).toMatchObject({
        items: [{ product: { id: product.id }, quantity: 1 }],
        payment: { status: 'SUCCEEDED', method: { last4: '4242' } },
      });
    }

    // Inventory: all 5 units shipped (committed once it hears OrderPaid, off the checkouts'
    // requests), none held, no row ever negative or over-reserved.
    await eventually(async () =>
      expect(await reservationsOf(product.id)).toEqual({ COMMITTED: SOLD }),
    );
    expect(seen.length).toBeGreaterThan(0);
    for (const row of [...seen, ...(await stockOf(product.id))]) {
      expect(row.onHand).toBeGreaterThanOrEqual(0);
      expect(row.reserved).toBeGreaterThanOrEqual(0);
      expect(row.reserved).toBeLessThanOrEqual(row.onHand);
    }
    expect(await stockOf(product.id)).toEqual(
      UNITS.map(() => expect.objectContaining({ onHand: 0, reserved: 0 })),
    );
    expect(await availableOf(product.id)).toBe(0);
    const page = await graphqlRequest(url(), ProductPageDocument, { id: product.id });
    expect(page.data!.product!.inventory).toEqual({ available: 0, inStock: false });

    // Orders: 5 paid, 15 cancelled for want of stock, every saga finished.
    const orders = await ordersOf(product.id);
    expect(orders).toHaveLength(BUYERS);
    const paidIds = paid.map((answer) => answer.data!.checkout.id).sort();
    expect(
      orders.filter((order) => order.status === 'PAID' && order.sagaStep === 'COMPLETED'),
    ).toHaveLength(SOLD);
    expect(
      orders
        .filter((order) => order.status === 'PAID')
        .map((order) => order.id)
        .sort(),
    ).toEqual(paidIds);
    expect(
      orders.filter(
        (order) =>
          order.status === 'CANCELLED' &&
          order.sagaStep === 'COMPENSATED' &&
          order.failureCode === 'OUT_OF_STOCK',
      ),
    ).toHaveLength(BUYERS - SOLD);

    // Payments: one captured charge per paid order; the others, out of stock, never charged.
    const payments = await paymentsOf(orders.map((order) => order.id));
    expect(payments.map((payment) => payment.orderId).sort()).toEqual(paidIds);
    for (const payment of payments) {
      expect(payment).toMatchObject({
        status: 'SUCCEEDED',
        amount: 1_999,
        captures: 1,
        refunds: 0,
      });
    }
  }, 120_000);

  it('answers one order, charged once, to the same checkout sent 10 times at once', async () => {
    const product = await stockedProduct(url(), admin, {
      name: 'Double Click',
      price: 2_500,
      units: [4],
    });
    const buyer = await newShopper(url(), 'Impatient Clicker');
    await addToCart(url(), buyer, product.id);

    const input = checkoutInput(buyer, `double-click-${randomUUID()}`);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        graphqlRequest(url(), CheckoutDocument, input, buyer.headers),
      ),
    );
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    const ids = new Set(answers.map((answer) => answer.data!.checkout.id));
    expect(ids.size).toBe(1);
    const [orderId] = [...ids];
    for (const answer of answers) {
      expect(answer.data!.checkout).toMatchObject({
        id: orderId,
        status: 'PAID',
        payment: { id: answers[0]!.data!.checkout.payment!.id, status: 'SUCCEEDED' },
      });
    }

    expect(await ordersOf(product.id)).toEqual([
      expect.objectContaining({ id: orderId, status: 'PAID', sagaStep: 'COMPLETED' }),
    ]);
    expect(await paymentsOf([orderId!])).toEqual([
      expect.objectContaining({ status: 'SUCCEEDED', amount: 2_500, captures: 1, refunds: 0 }),
    ]);
    // The stock was taken once: one committed reservation (once inventory hears OrderPaid), one
    // unit fewer on hand.
    await eventually(async () =>
      expect(await reservationsOf(product.id)).toEqual({ COMMITTED: 1 }),
    );
    expect(await stockOf(product.id)).toEqual([
      expect.objectContaining({ onHand: 3, reserved: 0 }),
    ]);
  }, 60_000);
});
