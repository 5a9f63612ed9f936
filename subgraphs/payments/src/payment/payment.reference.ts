import { mayAccess } from '@shop/federation';
import type { PaymentsContext } from '../context';
import type { Payment } from './payment.type';

/**
 * Loaded in one batch with the other references, then filtered: a payment the
 * caller may not see resolves to null, as an unknown one does.
 */
export async function resolvePaymentReference(
  reference: { id: string },
  ctx: PaymentsContext,
): Promise<Payment | null> {
  const payment = await ctx.loaders.paymentById.load(reference.id);
  return payment && mayAccess(ctx.identity, payment.userId) ? payment : null;
}
