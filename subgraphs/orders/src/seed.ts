import { seedData, seedId, SEED_TRANSACTION } from '@shop/seed';
import type { Database } from './db';

const HOUR = 60 * 60 * 1000;

// How long after checkout each step happened; PENDING is the checkout itself.
const HISTORY = [
  { status: 'PENDING', after: 0, actor: 'system' },
  { status: 'PAID', after: 0.05 * HOUR, actor: 'system' },
  { status: 'SHIPPED', after: 26 * HOUR, actor: 'seed-admin' },
  { status: 'DELIVERED', after: 74 * HOUR, actor: 'seed-admin' },
] as const;

function requireOf<T extends { userId: string }>(
  rows: readonly T[],
  userId: string,
  what: string,
): T {
  const found = rows.find((row) => row.userId === userId);
  if (!found) throw new Error(`@shop/seed has no ${what} for user ${userId}`);
  return found;
}

/**
 * Loads the demo orders once: the delivered orders behind the seeded
 * verified reviews, with their items, status history and the buyer's
 * address copied in, plus the price projection checkout reads. Skipped when
 * orders already exist.
 */
export async function seedOrders(db: Database): Promise<boolean> {
  const { prisma } = db;
  if ((await prisma.order.count()) > 0) return false;

  const productById = new Map(seedData.products.map((product) => [product.id, product]));
  const productOf = (productId: string) => {
    const product = productById.get(productId);
    if (!product) throw new Error(`@shop/seed has no product ${productId}`);
    return product;
  };

  await prisma.$transaction(async (tx) => {
    await tx.productPrice.createMany({
      data: seedData.products.map((product) => ({
        productId: product.id,
        name: product.name,
        amount: product.price.amount,
        currency: product.price.currency,
      })),
      skipDuplicates: true,
    });
    await tx.order.createMany({
      data: seedData.deliveredOrders.map((order) => {
        const address = requireOf(seedData.addresses, order.userId, 'address');
        const paymentMethod = requireOf(seedData.paymentMethods, order.userId, 'payment method');
        const [firstItem] = order.items;
        if (!firstItem) throw new Error(`Seeded order ${order.id} has no items`);
        return {
          id: order.id,
          userId: order.userId,
          status: 'DELIVERED' as const,
          sagaStep: 'COMPLETED' as const,
          totalAmount: order.items.reduce(
            (sum, item) => sum + item.quantity * item.unitPrice.amount,
            0,
          ),
          totalCurrency: firstItem.unitPrice.currency,
          idempotencyKey: `seed-${order.id}`,
          addressId: address.id,
          paymentMethodId: paymentMethod.id,
          shipLine1: address.line1,
          shipLine2: address.line2,
          shipCity: address.city,
          shipPostalCode: address.postalCode,
          shipCountry: address.country,
          createdAt: new Date(order.createdAt),
        };
      }),
    });
    await tx.orderItem.createMany({
      data: seedData.deliveredOrders.flatMap((order) =>
        order.items.map((item) => ({
          id: seedId('order-item', `${order.id}:${item.productId}`),
          orderId: order.id,
          productId: item.productId,
          productName: productOf(item.productId).name,
          quantity: item.quantity,
          unitPriceAmount: item.unitPrice.amount,
          unitPriceCurrency: item.unitPrice.currency,
        })),
      ),
    });
    await tx.orderStatusHistory.createMany({
      data: seedData.deliveredOrders.flatMap((order) =>
        HISTORY.map((step) => ({
          id: seedId('order-status', `${order.id}:${step.status}`),
          orderId: order.id,
          status: step.status,
          at: new Date(Date.parse(order.createdAt) + step.after),
          actor: step.actor,
        })),
      ),
    });
  }, SEED_TRANSACTION);
  return true;
}
