import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { OrdersContext } from '../context';
import { OrderConnection } from '../order/order.connection';
import { UserReference } from './user.stub';

@Resolver(() => UserReference)
export class UserOrdersResolver {
  @FieldResolver(() => OrderConnection, { description: 'Newest first; first is 1..100.' })
  async orders(
    @Root() user: UserReference,
    @Arg('first', () => Int) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: OrdersContext,
  ): Promise<OrderConnection> {
    const orders = ctx.services.orders;
    const [rows, totalCount] = await Promise.all([
      after
        ? orders.pageOfUser(user.id, first, after)
        : ctx.loaders.firstOrderPageOfUser(first).load(user.id),
      ctx.loaders.orderCountByUserId.load(user.id),
    ]);
    return orders.toConnection(rows, first, totalCount, after ?? undefined);
  }
}
