import { Ctx, Directive, FieldResolver, Resolver, Root } from 'type-graphql';
import type { PaymentsContext } from '../context';
import { Payment } from '../payment/payment.type';
import { Refund } from './refund.type';

@Resolver(() => Payment)
export class PaymentRefundsResolver {
  @Directive('@listSize(assumedSize: 5)')
  @FieldResolver(() => [Refund], { description: 'Oldest first.' })
  refunds(@Root() payment: Payment, @Ctx() ctx: PaymentsContext): Promise<Refund[]> {
    return ctx.loaders.refundsByPaymentId.load(payment.id);
  }
}
