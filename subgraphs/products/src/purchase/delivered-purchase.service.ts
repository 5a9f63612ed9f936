import type { EventDataOf, EventEnvelope } from '@shop/events';
import { isUuid } from '@shop/federation';
import type { Prisma } from '../db';

type OrderDelivered = EventEnvelope<
  'OrderDelivered',
  EventDataOf<'orders.events', 'OrderDelivered'>
>;

/** The projection of orders' deliveries that decides who may review what. */
export class DeliveredPurchaseService {
  /**
   * Records that the buyer received every product of the order, in the
   * consumer's transaction. A product this subgraph does not know is kept
   * too: the row only grants the right to review it.
   */
  async recordDelivery(tx: Prisma.TransactionClient, event: OrderDelivered): Promise<void> {
    const { orderId, userId, items } = event.data;
    await tx.deliveredPurchase.createMany({
      data: items
        .filter((item) => isUuid(item.productId))
        .map((item) => ({
          userId,
          productId: item.productId,
          orderId,
          deliveredAt: new Date(event.occurredAt),
        })),
      // An order may list a product twice; one row says it was delivered.
      skipDuplicates: true,
    });
  }
}
