import { isUuid } from '@shop/federation';
import { tableOf, type Database } from '../db';
import { toPaymentMethod, type PaymentMethodRow } from '../payment-method/payment-method.mapper';
import type { PaymentMethod } from '../payment-method/payment-method.type';
import { paymentColumns, toPayment, type PaymentRow } from './payment.mapper';
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
   * that succeeded), with the method it was charged to, in one statement for
   * all the orders; `withMethod` is told each payment's method, so its
   * `method` field needs no query of its own (two queries were the cost of
   * every order's payment the router asked for, the checkout's answer too).
   */
  async latestOfOrders(
    orderIds: readonly string[],
    withMethod: (method: PaymentMethod) => void,
  ): Promise<Payment[]> {
    const ids = orderIds.filter(isUuid);
    if (ids.length === 0) return [];
    const rows = await this.db.prisma.$queryRaw<(PaymentRow & { method: PaymentMethodRow })[]>`
      SELECT DISTINCT ON (p."orderId")
             p.id::text AS id, p."orderId"::text AS "orderId", p."userId"::text AS "userId",
             p."paymentMethodId"::text AS "paymentMethodId", p.status::text AS status, p.amount,
             p."refundedAmount", p.currency, p."createdAt",
             json_build_object('id', m.id, 'userId', m."userId", 'brand', m.brand,
                               'last4', m.last4, 'expMonth', m."expMonth",
                               'expYear', m."expYear") AS method
        FROM ${tableOf(this.db, 'Payment')} p
        JOIN ${tableOf(this.db, 'PaymentMethod')} m ON m.id = p."paymentMethodId"
       WHERE p."orderId" = ANY(${ids}::uuid[])
       ORDER BY p."orderId", p."createdAt" DESC, p.id DESC`;
    return rows.map(({ method, ...payment }) => {
      withMethod(toPaymentMethod(method));
      return toPayment(payment);
    });
  }
}
