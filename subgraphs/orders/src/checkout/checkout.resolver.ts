import { Arg, Ctx, Directive, Mutation, Resolver } from 'type-graphql';
import type { OrdersContext } from '../context';
import { Order } from '../order/order.type';
import { CheckoutInput } from './checkout.input';

@Resolver()
export class CheckoutResolver {
  @Directive('@authenticated')
  // Reserves stock, charges the card, marks the order PAID: several subgraph calls and writes.
  @Directive('@cost(weight: 20)')
  // The payment as the saga has just had it from payments (CheckoutPaymentResolver): the answer
  // takes no call from the router to payments.
  @Directive(
    '@provides(fields: "payment { status amount { amount currency } method { brand last4 } }")',
  )
  @Mutation(() => Order, {
    description:
      'Orders the whole cart: the stock reserved, the card charged, the order PAID; PENDING while a payment above the review threshold awaits an ADMIN. OUT_OF_STOCK or PAYMENT_DECLINED leave it CANCELLED with nothing held or charged (a declined card’s stock released at once); BAD_USER_INPUT, and no order, for a cart beyond 2147483647 minor units.',
  })
  async checkout(
    @Arg('input', () => CheckoutInput) input: CheckoutInput,
    @Ctx() ctx: OrdersContext,
  ): Promise<Order> {
    const { order, items } = await ctx.services.checkout.checkout(
      ctx.identity,
      input,
      ctx.requestId,
    );
    // The lines this checkout just wrote: its answer's items read none back.
    if (items) ctx.loaders.itemsByOrderId.prime(order.id, items);
    return order;
  }
}
