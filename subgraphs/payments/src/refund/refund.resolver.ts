import { Arg, Ctx, Directive, Mutation, Resolver } from 'type-graphql';
import { requireService } from '@shop/federation';
import type { PaymentsContext } from '../context';
import { Payment } from '../payment/payment.type';
import { RefundInput } from './refund.input';

@Resolver(() => Payment)
export class RefundResolver {
  // Not in the public supergraph: the orders subgraph refunds cancelled orders.
  @Directive('@inaccessible')
  @Mutation(() => Payment, {
    description:
      'Refunds a captured payment in full or in part; idempotent by key. Services with payments:refund only.',
  })
  refundPayment(
    @Arg('input', () => RefundInput) input: RefundInput,
    @Ctx() ctx: PaymentsContext,
  ): Promise<Payment> {
    requireService(ctx.identity, 'payments:refund');
    return ctx.services.refunds.refund(input, ctx.requestId);
  }
}
