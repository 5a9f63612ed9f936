import { isUuid } from '@shop/federation';
import type { Database } from '../db';
import { paymentMethodColumns, toPaymentMethod } from './payment-method.mapper';
import type { PaymentMethod } from './payment-method.type';

export class PaymentMethodService {
  constructor(private readonly db: Database) {}

  /** Removed methods included: past payments still show the card they were made with. */
  async byIds(ids: readonly string[]): Promise<PaymentMethod[]> {
    const rows = await this.db.prisma.paymentMethod.findMany({
      select: paymentMethodColumns,
      where: { id: { in: ids.filter(isUuid) } },
    });
    return rows.map(toPaymentMethod);
  }

  /** The methods each user can still pay with, newest first. */
  async activeOfUsers(userIds: readonly string[]): Promise<PaymentMethod[]> {
    const rows = await this.db.prisma.paymentMethod.findMany({
      select: paymentMethodColumns,
      where: { userId: { in: userIds.filter(isUuid) }, removedAt: null },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    return rows.map(toPaymentMethod);
  }
}
