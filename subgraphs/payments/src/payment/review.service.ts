import { sqlSessionOf } from '@shop/database';
import { isUuid } from '@shop/federation';
import { BadUserInputError, ConflictError, NotFoundError } from '@shop/platform';
import { PAYMENT_TRANSACTION, type Database, type PaymentOutbox } from '../db';
import { paymentColumns, toPayment } from './payment.mapper';
import type { Payment } from './payment.type';
import type { Settlement } from './settlement';

/** The most payments one page of the review queue holds. */
const MAX_PAGE = 100;

/**
 * ADMINs' decisions on the captures held for review (above
 * PAYMENT_REVIEW_THRESHOLD, see ChargeService). Their cards are authorized
 * and their orders' stock reserved, so approving captures the authorization
 * as an unreviewed capture would; rejecting voids it and declines the payment
 * (review_rejected). An authorization whose time is up is no longer awaiting
 * review: it is voided (AuthorizationExpiry) before its order's stock hold
 * ends, so an approval never captures money for stock no longer held. Each
 * decision is announced (PaymentReviewed), on which orders drives the
 * order's saga on; the saga learns the outcome by asking for the charge
 * again.
 */
export class ReviewService {
  constructor(
    private readonly db: Database,
    private readonly settlement: Settlement,
    private readonly outbox: PaymentOutbox,
  ) {}

  /**
   * Decides a payment awaiting review; answers it SUCCEEDED or DECLINED. The
   * row is locked first, so of concurrent reviews one decides and the others
   * find it decided: CONFLICT, as for any payment that is not awaiting review.
   */
  async review(
    adminId: string,
    paymentId: string,
    approve: boolean,
    correlationId: string | null = null,
  ): Promise<Payment> {
    if (!isUuid(paymentId)) throw new NotFoundError('Payment not found');
    const row = await this.db.prisma.$transaction(async (tx) => {
      const session = sqlSessionOf(tx);
      const payment = await this.settlement.lock(session, paymentId);
      if (!payment) throw new NotFoundError('Payment not found');
      if (payment.status !== 'AWAITING_REVIEW' || payment.expired) {
        throw new ConflictError('The payment is not awaiting review', {
          paymentId,
          status: payment.status,
        });
      }
      // The log names the ADMIN who decided.
      const decision = approve ? `approved by ${adminId}` : `review_rejected by ${adminId}`;
      await this.settlement.log(session, payment, 'REVIEW', approve, decision);
      const decided = approve
        ? await this.settlement.capture(session, payment, correlationId)
        : await this.settlement.void(session, payment, 'review_rejected', correlationId);
      // Tells the order's saga to go on now, rather than at its recovery's next look.
      const { orderId, userId } = payment;
      await this.outbox.record(
        tx,
        'PaymentReviewed',
        paymentId,
        { paymentId, orderId, userId, approved: approve },
        { correlationId },
      );
      return decided;
    }, PAYMENT_TRANSACTION);
    this.outbox.committed();
    return toPayment(row);
  }

  /** The payments awaiting review, oldest first: the queue ADMINs work through. */
  async awaitingReview(first: number): Promise<Payment[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
      throw new BadUserInputError(`first must be 1 to ${MAX_PAGE}`, { field: 'first' });
    }
    const rows = await this.db.prisma.payment.findMany({
      select: paymentColumns,
      where: { status: 'AWAITING_REVIEW', authorizationExpiresAt: { gt: new Date() } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: first,
    });
    return rows.map(toPayment);
  }
}
