import type { Logger } from '@shop/platform';
import type { Database } from '../db';
import { STALE_SAGA_MS, UNFINISHED, type CheckoutSaga } from './checkout-saga';

/**
 * Takes up the checkout sagas whose driver is gone (a crash, a killed
 * request, a sibling that did not answer), run by the background job.
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
}
