import {
  eventually,
  graphqlRequest,
  startInterceptingProxy,
  type HeldCall,
  type InterceptingProxy,
  type ProxiedCall,
} from '@shop/testing';
import { CheckoutDocument, OrderDocument } from '../../clients/generated/operations';
import { startSubgraphProcess, type SubgraphProcess } from './support/subgraph-process';
import {
  addToCart,
  checkoutInput,
  DECLINING_CARD,
  newShopper,
  signInAdmin,
  stockedProduct,
  type Shopper,
} from './support/shop';
import { ordersOf, paymentsOf, reservationsOf, stockOf } from './support/stored';
import { handOver, startTestStack, type RunningStack } from './support/test-stack';

const PRICE = 3_100;
const STOCK = 10;

/** The saga's call to payments for this buyer, once their stock is held: the charge. */
const chargeOf = (buyer: Shopper) => (call: ProxiedCall) =>
  /\bchargePayment\s*\(/.test(call.query) &&
  (call.variables.input as { userId?: string } | undefined)?.userId === buyer.userId;

const orderIdOf = (call: HeldCall) => (call.variables.input as { orderId: string }).orderId;

/**
 * The orders subgraph runs as its own OS process here, behind a proxy the
 * router calls, and calls payments through a proxy that can hold a call.
 * It is SIGKILLed with three checkouts in flight, each with its stock held:
 * two whose charge never reached payments (one buyer's card declines), one
 * after payments charged the card but before orders learned it. A new orders
 * process on the same database finishes every saga by itself (its recovery
 * job): PAID and charged once, or CANCELLED with its stock released.
 */
describe('checkout survives the orders process being killed mid-saga', () => {
  let stack: RunningStack;
  let ordersFront: InterceptingProxy;
  let paymentsGate: InterceptingProxy;
  let orders: SubgraphProcess | undefined;
  let ordersEnv: Record<string, string>;

  beforeAll(async () => {
    ordersFront = await startInterceptingProxy();
    // The router and inventory's sweeper reach orders through the front, whichever process serves.
    stack = await startTestStack({
      SUBGRAPH_URL_ORDERS: ordersFront.url,
      ORDERS_URL: ordersFront.url,
    });
    // The in-process orders hands over to the child: same database, same event streams.
    await handOver(stack, 'orders');
    const urlOf = (name: string) => stack.subgraphs.find((subgraph) => subgraph.name === name)!.url;
    paymentsGate = await startInterceptingProxy(urlOf('payments'));
    ordersEnv = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      HOST: '127.0.0.1',
      ORDERS_PORT: '0',
      DATABASE_URL_ORDERS: stack.env.DATABASE_URL_ORDERS!,
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: stack.env.REDIS_URL!,
      EVENT_STREAM_PREFIX: stack.env.EVENT_STREAM_PREFIX!,
      USERS_URL: urlOf('users'),
      INVENTORY_URL: urlOf('inventory'),
      PAYMENTS_URL: paymentsGate.url,
    };
    orders = await startSubgraphProcess('orders', ordersEnv);
    ordersFront.retarget(orders.url);
  }, 60_000);

  afterAll(async () => {
    await orders?.kill();
    await paymentsGate?.close();
    await ordersFront?.close();
    await stack?.stop();
  });

  it('kills orders before a charge and after one; the restarted process finishes every order consistently', async () => {
    const url = stack.router.url;
    const admin = await signInAdmin(url);
    const product = await stockedProduct(url, admin, {
      name: 'Crash Test',
      price: PRICE,
      units: [STOCK],
    });
    const [beforeCharge, afterCharge, declined] = await Promise.all([
      newShopper(url, 'Before Charge'),
      newShopper(url, 'After Charge'),
      newShopper(url, 'Declined Before Charge', DECLINING_CARD),
    ]);
    const buyers = [beforeCharge, afterCharge, declined];
    for (const buyer of buyers) await addToCart(url, buyer, product.id);

    // Two charges never reach payments; the third is made and its answer lost.
    paymentsGate.intercept((call) =>
      chargeOf(afterCharge)(call)
        ? 'hold-response'
        : chargeOf(beforeCharge)(call) || chargeOf(declined)(call)
          ? 'hold-request'
          : 'forward',
    );
    const inputs = new Map(buyers.map((buyer) => [buyer, checkoutInput(buyer)]));
    const answers = buyers.map((buyer) =>
      graphqlRequest(url, CheckoutDocument, inputs.get(buyer)!, buyer.headers),
    );
    const orderIds = new Map<Shopper, string>();
    for (const buyer of [beforeCharge, declined]) {
      orderIds.set(buyer, orderIdOf(await paymentsGate.held(chargeOf(buyer))));
    }
    const charge = await paymentsGate.held(chargeOf(afterCharge));
    orderIds.set(afterCharge, orderIdOf(charge));
    expect(charge.response).toMatchObject({
      data: { chargePayment: { status: 'SUCCEEDED' } },
    });

    await orders!.kill();
    for (const answer of await Promise.all(answers)) {
      expect(answer.data?.checkout).toBeFalsy();
      expect(answer.errors?.length).toBeGreaterThan(0);
    }

    // What the crash left: three sagas with their unit held, waiting at their charge; one
    // charged without knowing it.
    const stored = await ordersOf(product.id);
    const orderOf = (buyer: Shopper) => orderIds.get(buyer)!;
    expect(stored.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      buyers
        .map((buyer) => ({ id: orderOf(buyer), status: 'PENDING', sagaStep: 'STOCK_RESERVED' }))
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((expected) => expect.objectContaining(expected)),
    );
    expect(await reservationsOf(product.id)).toEqual({ HELD: 3 });
    expect(await stockOf(product.id)).toEqual([
      expect.objectContaining({ onHand: STOCK, reserved: 3 }),
    ]);
    expect(await paymentsOf(buyers.map(orderOf))).toEqual([
      expect.objectContaining({ orderId: orderOf(afterCharge), status: 'SUCCEEDED', captures: 1 }),
    ]);

    // A new process on the same database; payments answers it again.
    paymentsGate.intercept(() => 'forward');
    orders = await startSubgraphProcess('orders', ordersEnv);
    ordersFront.retarget(orders.url);

    // Its recovery takes up sagas idle for STALE_SAGA_MS (10 s), every 5 s.
    const finalState = (buyer: Shopper) =>
      eventually(async () => {
        const seen = await graphqlRequest(
          url,
          OrderDocument,
          { id: orderOf(buyer) },
          buyer.headers,
        );
        const order = seen.data?.order;
        if (order?.status !== 'PAID' && order?.status !== 'CANCELLED') {
          throw new Error(`order still ${order?.status}`);
        }
        return order;
      }, 30_000);
    const [paidBefore, paidAfter, cancelled] = await Promise.all(buyers.map(finalState));

    // The approving cards let two complete: PAID, each charged exactly once (the lost answer's
    // charge was not repeated).
    for (const order of [paidBefore!, paidAfter!]) {
      expect(order).toMatchObject({
        status: 'PAID',
        payment: { status: 'SUCCEEDED', refunds: [] },
      });
      expect(order.statusHistory.map((change) => change.status)).toEqual(['PENDING', 'PAID']);
    }
    // The declining card ends its order CANCELLED, nothing captured, its unit released.
    expect(cancelled).toMatchObject({ status: 'CANCELLED', payment: { status: 'DECLINED' } });
    expect(cancelled!.statusHistory.map((change) => change.status)).toEqual([
      'PENDING',
      'CANCELLED',
    ]);

    const payments = await paymentsOf(buyers.map(orderOf));
    expect(payments.sort((a, b) => a.orderId.localeCompare(b.orderId))).toEqual(
      buyers
        .map((buyer) => ({
          orderId: orderOf(buyer),
          status: buyer === declined ? 'DECLINED' : 'SUCCEEDED',
          amount: PRICE,
          captures: buyer === declined ? 0 : 1,
          refunds: 0,
        }))
        .sort((a, b) => a.orderId.localeCompare(b.orderId))
        .map((expected) => expect.objectContaining(expected)),
    );
    expect(payments.find((payment) => payment.orderId === orderOf(afterCharge))!.id).toBe(
      (charge.response as { data: { chargePayment: { id: string } } }).data.chargePayment.id,
    );
    // The paid orders' holds are committed once inventory hears OrderPaid.
    await eventually(async () =>
      expect(await reservationsOf(product.id)).toEqual({ COMMITTED: 2, RELEASED: 1 }),
    );
    expect(await stockOf(product.id)).toEqual([
      expect.objectContaining({ onHand: STOCK - 2, reserved: 0 }),
    ]);

    // A buyer retrying the checkout now gets the same order, and no second charge.
    const retried = await graphqlRequest(
      url,
      CheckoutDocument,
      inputs.get(beforeCharge)!,
      beforeCharge.headers,
    );
    expect(retried.data?.checkout).toMatchObject({ id: orderOf(beforeCharge), status: 'PAID' });
    expect(await paymentsOf([orderOf(beforeCharge)])).toEqual([
      expect.objectContaining({ captures: 1 }),
    ]);
  }, 60_000);
});
