import type { PaymentsContext } from '../context';
import type { PaymentMethod } from './payment-method.type';

export const paymentMethodReference = {
  __resolveReference(
    reference: { id: string },
    ctx: PaymentsContext,
  ): Promise<PaymentMethod | null> {
    return ctx.loaders.paymentMethodById.load(reference.id);
  },
};
