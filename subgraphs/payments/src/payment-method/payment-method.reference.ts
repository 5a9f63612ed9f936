import { mayAccess } from '@shop/federation';
import type { PaymentsContext } from '../context';
import type { PaymentMethod } from './payment-method.type';

/**
 * Loaded in one batch with the other references, then filtered: a card the
 * caller may not see resolves to null, as an unknown one does.
 */
export async function resolvePaymentMethodReference(
  reference: { id: string },
  ctx: PaymentsContext,
): Promise<PaymentMethod | null> {
  const method = await ctx.loaders.paymentMethodById.load(reference.id);
  return method && mayAccess(ctx.identity, method.userId) ? method : null;
}
