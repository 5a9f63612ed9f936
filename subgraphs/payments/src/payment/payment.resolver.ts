import { Arg, Ctx, Directive, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { requireService } from '@shop/federation';
import type { PaymentsContext } from '../context';
import { PaymentMethod } from '../payment-method/payment-method.type';
import { ChargePaymentInput } from './charge.input';
import { Payment } from './payment.type';

/**
 * The payment's steps in the orders subgraph's checkout saga: charge once
 * the order's stock is held, void when the order does not go ahead. Not in
 * the public supergraph, and for services with payments:charge only.
 */
@Resolver(() => Payment)
export class PaymentResolver {
  @Directive('@inaccessible')
  @Mutation(() => Payment, {
    description:
      "Charges an order's amount to its buyer's card, once per idempotency key: SUCCEEDED (authorized and captured), PENDING (held on the card) above the review threshold until an ADMIN decides, or PAYMENT_DECLINED (with declineCode and paymentId) when the card, the fraud rules or the review limit refuse it; asked again, answers the payment as it then is. Services with payments:charge only.",
  })
  chargePayment(
    @Arg('input', () => ChargePaymentInput) input: ChargePaymentInput,
    @Ctx() ctx: PaymentsContext,
  ): Promise<Payment> {
    requireService(ctx.identity, 'payments:charge');
    // The card charged is read with the charge: the answer's method needs no query of its own.
    return ctx.services.charges.charge(input, ctx.requestId, (method) =>
      ctx.loaders.paymentMethodById.prime(method.id, method),
    );
  }

  @Directive('@inaccessible')
  @Mutation(() => Payment, {
    description:
      'Gives an uncaptured authorization back on the card (DECLINED); a payment that will never be captured is answered as it is; CONFLICT once captured (refund it instead). Services with payments:charge only.',
  })
  voidPayment(@Arg('id', () => ID) id: string, @Ctx() ctx: PaymentsContext): Promise<Payment> {
    requireService(ctx.identity, 'payments:charge');
    return ctx.services.voids.void(id, ctx.requestId);
  }

  // Shareable: orders provides it in the checkout's answer, from the charge's answer.
  @Directive('@shareable')
  @FieldResolver(() => PaymentMethod)
  async method(@Root() payment: Payment, @Ctx() ctx: PaymentsContext): Promise<PaymentMethod> {
    const method = await ctx.loaders.paymentMethodById.load(payment.paymentMethodId);
    if (!method) {
      throw new Error(`Payment ${payment.id} has no payment method ${payment.paymentMethodId}`);
    }
    return method;
  }
}
