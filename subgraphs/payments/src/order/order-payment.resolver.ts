import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { PaymentsContext } from '../context';
import { Payment } from '../payment/payment.type';
import { OrderReference } from './order.stub';

@Resolver(() => OrderReference)
export class OrderPaymentResolver {
  @FieldResolver(() => Payment, {
    nullable: true,
    description: 'The latest payment of the order; null before the first.',
  })
  payment(@Root() order: OrderReference, @Ctx() ctx: PaymentsContext): Promise<Payment | null> {
    return ctx.loaders.latestPaymentByOrderId.load(order.id);
  }
}
