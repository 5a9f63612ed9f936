import { isUuid } from '@shop/federation';
import type { Database } from '../db';
import type { CardProcessor } from '../processor/card-processor';
import { validCard, type CardInput } from './card';
import { paymentMethodColumns, toPaymentMethod } from './payment-method.mapper';
import type { PaymentMethod } from './payment-method.type';

export class PaymentMethodService {
  constructor(
    private readonly db: Database,
    private readonly processor: CardProcessor,
  ) {}

  /**
   * Checks the card, hands it to the processor and keeps only the token,
   * brand, last4 and expiry: the number and CVC go no further than this call.
   */
  async add(userId: string, input: CardInput): Promise<PaymentMethod> {
    const card = validCard(input);
    const { token } = await this.processor.tokenize(card.details);
    const row = await this.db.prisma.paymentMethod.create({
      select: paymentMethodColumns,
      data: {
        userId,
        token,
        brand: card.brand,
        last4: card.last4,
        expMonth: card.details.expMonth,
        expYear: card.details.expYear,
      },
    });
    return toPaymentMethod(row);
  }

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
