import { isUuid } from '@shop/federation';
import type { Database } from '../db';
import { paymentColumns, toPayment } from './payment.mapper';
import type { Payment } from './payment.type';

export class PaymentService {
  constructor(private readonly db: Database) {}

  async byIds(ids: readonly string[]): Promise<Payment[]> {
    const rows = await this.db.prisma.payment.findMany({
      select: paymentColumns,
      where: { id: { in: ids.filter(isUuid) } },
    });
    return rows.map(toPayment);
  }

  /**
   * The latest payment of each order (a declined attempt may precede the one
   * that succeeded), in one query for all the orders.
   */
  async latestOfOrders(orderIds: readonly string[]): Promise<Payment[]> {
    const rows = await this.db.prisma.payment.findMany({
      select: paymentColumns,
      where: { orderId: { in: orderIds.filter(isUuid) } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    const latest = new Map<string, Payment>();
    for (const row of rows) if (!latest.has(row.orderId)) latest.set(row.orderId, toPayment(row));
    return [...latest.values()];
  }
}
