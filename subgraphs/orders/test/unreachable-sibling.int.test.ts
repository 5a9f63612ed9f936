import { createLogger } from '@shop/platform';
import { connectDatabase, type Database } from '../src/db';
import { silentPort, startSagaSubgraphs, type SagaSubgraphs } from './saga-subgraphs';

describe('a checkout whose sibling does not answer (real PostgreSQL)', () => {
  let saga: SagaSubgraphs;
  let ordersDb: Database;
  let silent: Awaited<ReturnType<typeof silentPort>>;
  const log = createLogger('unreachable-sibling-test', 'silent');

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

  it('answers the order PENDING instead of an error, and recovery finishes it PAID', async () => {
    const productId = await saga.newProduct(3);
    const buyer = await saga.newBuyer(productId, 1);
    // This orders instance reaches payments at a port that never answers.
    const stuck = saga.anotherOrdersInstance(ordersDb, {
      ...saga.ordersConfig.services,
      payments: silent.url,
    });

    const { order } = await stuck.checkout.checkout(buyer.identity, {
      ...buyer.input,
      paymentMethodId: buyer.input.paymentMethodId!,
    });
    expect(order).toMatchObject({ status: 'PENDING' });
    // No payment is claimed for it: asked for one (Order.payment, which the checkout provides),
    // orders asks payments.
    expect(order.payment).toBeUndefined();
    // The stock was held first: the saga waits at its charge, nothing charged.
    expect(await saga.ordersOf(buyer.userId)).toEqual([
      expect.objectContaining({ id: order.id, status: 'PENDING', sagaStep: 'STOCK_RESERVED' }),
    ]);
    expect(await saga.paymentsOf(order.id)).toEqual([]);
    expect(await saga.reservationsOf(order.id)).toEqual(['HELD']);

    // Another instance, which reaches payments, takes the saga up once it is stale.
    const healthy = saga.anotherOrdersInstance(ordersDb);
    await ordersDb.prisma.order.update({
      where: { id: order.id },
      data: { updatedAt: new Date(Date.now() - 60_000) },
    });
    await healthy.recovery.recover(log);
    expect(await saga.ordersOf(buyer.userId)).toEqual([
      expect.objectContaining({ id: order.id, status: 'PAID', sagaStep: 'COMPLETED' }),
    ]);
    expect(await saga.paymentsOf(order.id)).toEqual([
      expect.objectContaining({ status: 'SUCCEEDED' }),
    ]);
    expect(await saga.availableOf(productId)).toBe(2);
    // The checkout's answer, asked now for its payment, has payments' answer as it now is.
    expect(await healthy.checkout.paymentOf(order)).toEqual({
      id: expect.any(String),
      status: 'SUCCEEDED',
      amount: order.total,
      method: { id: buyer.input.paymentMethodId, brand: 'VISA', last4: '4242' },
    });
  }, 30_000);
});
