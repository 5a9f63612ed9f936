import type { Logger } from '@shop/platform';
import { PAYMENT_SQL_TRANSACTION, type Database, type PaymentOutbox } from '../db';
import { UNCAPTURED, type Settlement } from './settlement';

/**
 * Voids the authorizations whose time is up (the ttlSeconds their caller
 * gave): the checkout saga asks for less than its stock hold, so a payment
 * still awaiting review then is given back on the card before its order's
 * stock is, and the saga, asking for the charge again, cancels the order. One
 * transaction per payment, its row locked and its state read again, so a
 * capture or review deciding it meanwhile wins and one failure holds up no other.
 */
export class AuthorizationExpiry {
  constructor(
    private readonly db: Database,
    private readonly settlement: Settlement,
    private readonly outbox: PaymentOutbox,
  ) {}

  /** Voids up to `batchSize` expired authorizations, oldest first; answers how many it looked at. */
  async voidExpired(log: Logger, batchSize = 50): Promise<number> {
    const due = await this.db.prisma.payment.findMany({
      select: { id: true },
      where: { status: { in: [...UNCAPTURED] }, authorizationExpiresAt: { lte: new Date() } },
      orderBy: { authorizationExpiresAt: 'asc' },
      take: batchSize,
    });
    for (const { id } of due) {
      try {
        await this.db.sql.transaction(async (tx) => {
          const payment = await this.settlement.lock(tx, id);
          if (!payment || !UNCAPTURED.includes(payment.status) || !payment.expired) return;
          await this.settlement.void(tx, payment, 'authorization_expired', null);
        }, PAYMENT_SQL_TRANSACTION);
      } catch (error) {
        log.warn(
          { err: error, paymentId: id },
          'voiding an expired authorization failed; retried later',
        );
      }
    }
    if (due.length > 0) this.outbox.committed();
    return due.length;
  }
}
