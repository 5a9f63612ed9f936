import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { PaymentsContext } from '../context';
import { PaymentMethod } from '../payment-method/payment-method.type';
import { Payment } from './payment.type';

@Resolver(() => Payment)
export class PaymentResolver {
  @FieldResolver(() => PaymentMethod)
  async method(@Root() payment: Payment, @Ctx() ctx: PaymentsContext): Promise<PaymentMethod> {
    const method = await ctx.loaders.paymentMethodById.load(payment.paymentMethodId);
    if (!method) {
      throw new Error(`Payment ${payment.id} has no payment method ${payment.paymentMethodId}`);
    }
    return method;
  }
}
