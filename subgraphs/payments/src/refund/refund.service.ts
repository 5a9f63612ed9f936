import { isUuid } from '@shop/federation';
import type { Database } from '../db';
import { refundColumns, toRefund } from './refund.mapper';
import type { Refund } from './refund.type';

export class RefundService {
  constructor(private readonly db: Database) {}

  /** The refunds of each payment, oldest first. */
  async ofPayments(paymentIds: readonly string[]): Promise<Refund[]> {
    const rows = await this.db.prisma.refund.findMany({
      select: refundColumns,
      where: { paymentId: { in: paymentIds.filter(isUuid) } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toRefund);
  }
}
