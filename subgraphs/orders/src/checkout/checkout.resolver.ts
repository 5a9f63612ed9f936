import { Arg, Ctx, Directive, Mutation, Resolver } from 'type-graphql';
import type { OrdersContext } from '../context';
import { Order } from '../order/order.type';
import { CheckoutInput } from './checkout.input';

@Resolver()
export class CheckoutResolver {
  @Directive('@authenticated')
  // Authorizes a card, reserves stock, captures: several subgraph calls and transactions.
  @Directive('@cost(weight: 20)')
  @Mutation(() => Order, {
    description:
      'Orders the whole cart: the card authorized, the stock reserved, the payment captured, the order PAID; PENDING while a payment above the review threshold awaits an ADMIN. PAYMENT_DECLINED (before any stock is held) or OUT_OF_STOCK leave it CANCELLED with nothing held or charged; BAD_USER_INPUT, and no order, for a cart beyond 2147483647 minor units.',
  })
  checkout(
    @Arg('input', () => CheckoutInput) input: CheckoutInput,
    @Ctx() ctx: OrdersContext,
  ): Promise<Order> {
    return ctx.services.checkout.checkout(ctx.identity, input, ctx.requestId);
  }
}
