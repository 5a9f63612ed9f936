import { Arg, Ctx, Directive, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { requireService } from '@shop/federation';
import type { PaymentsContext } from '../context';
import { PaymentMethod } from '../payment-method/payment-method.type';
import { AuthorizePaymentInput } from './authorize.input';
import { Payment } from './payment.type';

/**
 * The payment's steps in the orders subgraph's checkout saga: authorize
 * before any stock is held, capture once it is, void when the order does
 * not go ahead. Not in the public supergraph, and for services with
 * payments:charge only.
 */
@Resolver(() => Payment)
export class PaymentResolver {
  @Directive('@inaccessible')
  @Mutation(() => Payment, {
    description:
      "Authorizes an order's amount on its buyer's card, once per idempotency key: PENDING (held on the card, not captured), or PAYMENT_DECLINED (with declineCode and paymentId) when the card, the fraud rules or the review limit refuse it. Services with payments:charge only.",
  })
  authorizePayment(
    @Arg('input', () => AuthorizePaymentInput) input: AuthorizePaymentInput,
    @Ctx() ctx: PaymentsContext,
  ): Promise<Payment> {
    requireService(ctx.identity, 'payments:charge');
    return ctx.services.authorizations.authorize(input, ctx.requestId);
  }

  @Directive('@inaccessible')
  @Mutation(() => Payment, {
    description:
      'Captures an authorized payment: SUCCEEDED, or PENDING above the review threshold until an ADMIN decides; asked again, answers it as it is; PAYMENT_DECLINED once it will never be captured. Services with payments:charge only.',
  })
  capturePayment(@Arg('id', () => ID) id: string, @Ctx() ctx: PaymentsContext): Promise<Payment> {
    requireService(ctx.identity, 'payments:charge');
    return ctx.services.captures.capture(id, ctx.requestId);
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

  @FieldResolver(() => PaymentMethod)
  async method(@Root() payment: Payment, @Ctx() ctx: PaymentsContext): Promise<PaymentMethod> {
    const method = await ctx.loaders.paymentMethodById.load(payment.paymentMethodId);
    if (!method) {
      throw new Error(`Payment ${payment.id} has no payment method ${payment.paymentMethodId}`);
    }
    return method;
  }
}
