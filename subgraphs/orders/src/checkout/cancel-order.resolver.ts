import { Arg, Ctx, Directive, ID, Mutation, Resolver } from 'type-graphql';
import type { OrdersContext } from '../context';
import { Order } from '../order/order.type';

@Resolver()
export class CancelOrderResolver {
  @Directive('@authenticated')
  @Mutation(() => Order, {
    description:
      'The buyer cancels before SHIPPED: held stock released (or, once PAID, returned), the payment refunded in full, the order CANCELLED. CONFLICT once SHIPPED; cancelling again answers the cancelled order; NOT_FOUND for anyone else’s order, FORBIDDEN for an ADMIN.',
  })
  cancelOrder(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdersContext): Promise<Order> {
    return ctx.services.cancellation.cancel(ctx.identity, id, ctx.requestId);
  }
}
