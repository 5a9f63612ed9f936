import { Arg, Ctx, Directive, Mutation, Resolver } from 'type-graphql';
import type { OrdersContext } from '../context';
import { Order } from '../order/order.type';
import { CheckoutInput } from './checkout.input';

@Resolver()
export class CheckoutResolver {
  @Directive('@authenticated')
  // Reserves stock and charges a card: several subgraph calls and transactions.
  @Directive('@cost(weight: 20)')
  @Mutation(() => Order, {
    description:
      'Orders the whole cart: stock reserved, the card charged, the order PAID. OUT_OF_STOCK or PAYMENT_DECLINED leave it CANCELLED with nothing held or charged.',
  })
  checkout(
    @Arg('input', () => CheckoutInput) input: CheckoutInput,
    @Ctx() ctx: OrdersContext,
  ): Promise<Order> {
    return ctx.services.checkout.checkout(ctx.identity, input, ctx.requestId);
  }
}
