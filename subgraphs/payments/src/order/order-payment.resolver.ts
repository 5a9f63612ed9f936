import { Ctx, Directive, FieldResolver, Resolver, Root } from 'type-graphql';
import { mayAccess, requireUserOrService } from '@shop/federation';
import type { PaymentsContext } from '../context';
import { Payment } from '../payment/payment.type';
import { OrderStub } from './order.stub';

@Resolver(() => OrderStub)
export class OrderPaymentResolver {
  @Directive('@authenticated')
  // Shareable: orders provides it in the checkout's answer, from the charge's answer.
  @Directive('@shareable')
  @FieldResolver(() => Payment, {
    nullable: true,
    description:
      'The latest payment of the order, for its payer and ADMINs; null before the first and for anyone else.',
  })
  async payment(@Root() order: OrderStub, @Ctx() ctx: PaymentsContext): Promise<Payment | null> {
    requireUserOrService(ctx.identity);
    // The owner is known only once the payment is loaded, so the check follows the batched load.
    const payment = await ctx.loaders.latestPaymentByOrderId.load(order.id);
    // Someone else's payment answers exactly like no payment: its existence must not leak.
    return payment && mayAccess(ctx.identity, payment.userId) ? payment : null;
  }
}
