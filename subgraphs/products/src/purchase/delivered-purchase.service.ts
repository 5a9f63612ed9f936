import type { SqlSession } from '@shop/database';
import type { EventDataOf, EventEnvelope } from '@shop/events';
import { isUuid } from '@shop/federation';
import { Prisma, tableOf, timestampOf, type Database } from '../db';

type OrderDelivered = EventEnvelope<
  'OrderDelivered',
  EventDataOf<'orders.events', 'OrderDelivered'>
>;

/** The projection of orders' deliveries that decides who may review what. */
export class DeliveredPurchaseService {
  constructor(private readonly db: Pick<Database, 'schema'>) {}

  /**
   * Records that the buyer received every product of the order, in the
   * consumer's transaction. A product this subgraph does not know is kept
   * too: the row only grants the right to review it.
   */
  async recordDelivery(tx: SqlSession, event: OrderDelivered): Promise<void> {
    const { orderId, userId, items } = event.data;
    const productIds = items.map((item) => item.productId).filter(isUuid);
    if (productIds.length === 0) return;
    // An order may list a product twice; one row says it was delivered.
    await tx.execute(Prisma.sql`
      INSERT INTO ${tableOf(this.db, 'DeliveredPurchase')} ("userId", "productId", "orderId", "deliveredAt")
      SELECT ${userId}::uuid, product, ${orderId}::uuid, ${timestampOf(new Date(event.occurredAt))}
        FROM unnest(${productIds}::uuid[]) AS product
      ON CONFLICT DO NOTHING`);
  }
}
