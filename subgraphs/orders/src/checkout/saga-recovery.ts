import type { Logger } from '@shop/platform';
import type { Database } from '../db';
import { STALE_SAGA_MS, UNFINISHED, type CheckoutSaga } from './checkout-saga';

/**
 * Takes up the checkout sagas whose driver is gone (a crash, a killed
 * request, a sibling that did not answer), run by the background job, and
 * the sagas waiting for a payment's review once it is decided.
 */
export class SagaRecovery {
  constructor(
    private readonly db: Database,
    private readonly saga: CheckoutSaga,
  ) {}

  /**
   * Drives every saga whose driver is gone (unfinished, no step for
   * STALE_SAGA_MS) to COMPLETED or COMPENSATED (or on to a review still
   * open); answers how many it took up.
   */
  async recover(log: Logger, batchSize = 50): Promise<number> {
    const stale = await this.db.prisma.order.findMany({
      select: { id: true },
      where: {
        sagaStep: { in: UNFINISHED },
        updatedAt: { lt: new Date(Date.now() - STALE_SAGA_MS) },
      },
      orderBy: { updatedAt: 'asc' },
      take: batchSize,
    });
    for (const { id } of stale) {
      try {
        await this.saga.run(id);
      } catch (error) {
        log.warn({ err: error, orderId: id }, 'checkout saga recovery failed; retried later');
      }
    }
    return stale.length;
  }

  /**
   * Drives one order's saga on now, as payments announced the decision it
   * was waiting for (an ADMIN's review): PAID or cancelled at once rather
   * than at recovery's next look. A failure is left to that look.
   */
  async resume(orderId: string, log: Logger): Promise<void> {
    try {
      await this.saga.run(orderId);
    } catch (error) {
      log.warn({ err: error, orderId }, 'checkout saga not resumed; recovery takes it up');
    }
  }
}
