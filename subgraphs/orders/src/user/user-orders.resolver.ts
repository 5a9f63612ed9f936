import { Arg, Ctx, Directive, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { assertMayAccess, requireUserOrService } from '@shop/federation';
import type { OrdersContext } from '../context';
import { OrderConnection } from '../order/order.connection';
import { UserStub } from './user.stub';

@Resolver(() => UserStub)
export class UserOrdersResolver {
  @Directive('@authenticated')
  @Directive('@listSize(slicingArguments: ["first"], sizedFields: ["edges"])')
  @FieldResolver(() => OrderConnection, {
    // Nullable so that refusing another user's orders nulls this field, not the whole user.
    nullable: true,
    description: 'Newest first; first is 1..100. For the user and ADMINs; NOT_FOUND for others.',
  })
  async orders(
    @Root() user: UserStub,
    @Arg('first', () => Int) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: OrdersContext,
  ): Promise<OrderConnection> {
    requireUserOrService(ctx.identity);
    assertMayAccess(ctx.identity, user.id, 'User');
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
