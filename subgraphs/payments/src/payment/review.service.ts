import { isUuid } from '@shop/federation';
import { BadUserInputError, ConflictError, NotFoundError } from '@shop/platform';
import { PAYMENT_TRANSACTION, tableOf, type Database, type PaymentOutbox } from '../db';
import { paymentColumns, toPayment } from './payment.mapper';
import type { Payment } from './payment.type';
import type { Settlement } from './settlement';

/** The most payments one page of the review queue holds. */
const MAX_PAGE = 100;

interface HeldPayment {
  orderId: string;
  userId: string;
  amount: number;
  currency: string;
  status: string;
  idempotencyKey: string;
  token: string;
}

/**
 * ADMINs' decisions on the charges held for review (above
 * PAYMENT_REVIEW_THRESHOLD, see ChargeService). Approving charges the card
 * now, with the charge's own idempotency key, so it settles exactly as an
 * unreviewed charge would; rejecting declines it with `review_rejected`. The
 * orders saga learns the outcome by charging again with its key.
 */
export class ReviewService {
  constructor(
    private readonly db: Database,
    private readonly settlement: Settlement,
    private readonly outbox: PaymentOutbox,
  ) {}

  /**
   * Decides a held payment; answers it SUCCEEDED or DECLINED. The row is
   * locked first, so of concurrent reviews one decides and the others find
   * it decided: CONFLICT, as for any payment that is not awaiting review.
   */
  async review(
    adminId: string,
    paymentId: string,
    approve: boolean,
    correlationId: string | null = null,
  ): Promise<Payment> {
    if (!isUuid(paymentId)) throw new NotFoundError('Payment not found');
    const payments = tableOf(this.db, 'Payment');
    const methods = tableOf(this.db, 'PaymentMethod');
    const row = await this.db.prisma.$transaction(async (tx) => {
      const [held] = await tx.$queryRaw<HeldPayment[]>`
        SELECT p."orderId"::text, p."userId"::text, p."amount", p."currency", p."status"::text,
               p."idempotencyKey", m."token"
          FROM ${payments} p JOIN ${methods} m ON m."id" = p."paymentMethodId"
         WHERE p."id" = ${paymentId}::uuid
           FOR UPDATE OF p`;
      if (!held) throw new NotFoundError('Payment not found');
      // A charge is PENDING only uncommitted or held for review, so a PENDING row seen here is held.
      if (held.status !== 'PENDING') {
        throw new ConflictError('The payment is not awaiting review', {
          paymentId,
          status: held.status,
        });
      }
      const settling = { paymentId, ...held };
      // The log names the ADMIN who decided.
      if (!approve) {
        const detail = `review_rejected by ${adminId}`;
        return this.settlement.decline(
          tx,
          settling,
          'review_rejected',
          'REVIEW',
          correlationId,
          detail,
        );
      }
      await tx.paymentTransaction.create({
        data: {
          paymentId,
          userId: held.userId,
          amount: held.amount,
          currency: held.currency,
          kind: 'REVIEW',
          success: true,
          detail: `approved by ${adminId}`,
        },
      });
      return this.settlement.charge(tx, settling, held, correlationId);
    }, PAYMENT_TRANSACTION);
    this.outbox.committed();
    return toPayment(row);
  }

  /** The payments held for review, oldest first: the queue ADMINs work through. */
  async awaitingReview(first: number): Promise<Payment[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
      throw new BadUserInputError(`first must be 1 to ${MAX_PAGE}`, { field: 'first' });
    }
    const rows = await this.db.prisma.payment.findMany({
      select: paymentColumns,
      where: { status: 'PENDING' },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: first,
    });
    return rows.map(toPayment);
  }
}
