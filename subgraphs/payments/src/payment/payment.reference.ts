import { mayAccess } from '@shop/federation';
import type { PaymentsContext } from '../context';
import type { Payment } from './payment.type';

export const paymentReference = {
  /**
   * Loaded in one batch with the other references, then filtered: a payment the
   * caller may not see resolves to null, as an unknown one does.
   */
  async __resolveReference(
    reference: { id: string },
    ctx: PaymentsContext,
  ): Promise<Payment | null> {
    const payment = await ctx.loaders.paymentById.load(reference.id);
    return payment && mayAccess(ctx.identity, payment.userId) ? payment : null;
  },
};
