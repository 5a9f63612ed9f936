import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { OrdersContext } from '../context';
import { Order } from '../order/order.type';
import { PaymentStub } from '../payment/payment.stub';

/**
 * Order.payment where the checkout provides it (its only caller: the field
 * is payments', external here), so the checkout's answer takes no call from
 * the router to payments.
 */
@Resolver(() => Order)
export class CheckoutPaymentResolver {
  @FieldResolver(() => PaymentStub, { nullable: true })
  payment(@Root() order: Order, @Ctx() ctx: OrdersContext): Promise<PaymentStub | null> {
    return ctx.services.checkout.paymentOf(order, ctx.requestId);
  }
}
