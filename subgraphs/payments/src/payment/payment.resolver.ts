import { Arg, Ctx, Directive, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { requireService } from '@shop/federation';
import type { PaymentsContext } from '../context';
import { PaymentMethod } from '../payment-method/payment-method.type';
import { ChargeInput } from './charge.input';
import { Payment } from './payment.type';

@Resolver(() => Payment)
export class PaymentResolver {
  // Not in the public supergraph: the orders subgraph's checkout saga charges.
  @Directive('@inaccessible')
  @Mutation(() => Payment, {
    description:
      "Charges an order to its buyer's card, once per idempotency key; PAYMENT_DECLINED (with declineCode and paymentId) when refused. Services with payments:charge only.",
  })
  chargePayment(
    @Arg('input', () => ChargeInput) input: ChargeInput,
    @Ctx() ctx: PaymentsContext,
  ): Promise<Payment> {
    requireService(ctx.identity, 'payments:charge');
    return ctx.services.charges.charge(input, ctx.requestId);
  }

  @FieldResolver(() => PaymentMethod)
  async method(@Root() payment: Payment, @Ctx() ctx: PaymentsContext): Promise<PaymentMethod> {
    const method = await ctx.loaders.paymentMethodById.load(payment.paymentMethodId);
    if (!method) {
      throw new Error(`Payment ${payment.id} has no payment method ${payment.paymentMethodId}`);
    }
    return method;
  }
}
