import type { PaymentsContext } from '../context';
import type { Payment } from './payment.type';

export const paymentReference = {
  __resolveReference(reference: { id: string }, ctx: PaymentsContext): Promise<Payment | null> {
    return ctx.loaders.paymentById.load(reference.id);
  },
};
