import { seedData, seedId, SEED_TRANSACTION } from '@shop/seed';
import type { Database } from './db';

/**
 * Loads the demo payments once: every customer's saved card and, for each
 * delivered order, the captured payment with its authorize and capture log
 * entries. Skipped when payment methods already exist.
 */
export async function seedPayments(db: Database): Promise<boolean> {
  const { prisma } = db;
  if ((await prisma.paymentMethod.count()) > 0) return false;

  const methodByUser = new Map(seedData.paymentMethods.map((method) => [method.userId, method]));
  const payments = seedData.deliveredOrders.map((order) => {
    const method = methodByUser.get(order.userId);
    if (!method) throw new Error(`Seed order ${order.id} has a buyer without a payment method`);
    return {
      id: seedId('payment', order.id),
      orderId: order.id,
      userId: order.userId,
      paymentMethodId: method.id,
      idempotencyKey: `seed-${order.id}`,
      amount: order.items.reduce((sum, item) => sum + item.quantity * item.unitPrice.amount, 0),
      currency: 'USD',
      status: 'SUCCEEDED' as const,
      processorRef: `seed_${order.id}`,
      createdAt: new Date(order.createdAt),
    };
  });
  await prisma.$transaction(async (tx) => {
    await tx.paymentMethod.createMany({ data: [...seedData.paymentMethods] });
    await tx.payment.createMany({ data: payments });
    await tx.paymentTransaction.createMany({
      data: payments.flatMap((payment) =>
        (['AUTHORIZE', 'CAPTURE'] as const).map((kind) => ({
          paymentId: payment.id,
          userId: payment.userId,
          kind,
          amount: payment.amount,
          currency: payment.currency,
          success: true,
          createdAt: payment.createdAt,
        })),
      ),
    });
  }, SEED_TRANSACTION);
  return true;
}
