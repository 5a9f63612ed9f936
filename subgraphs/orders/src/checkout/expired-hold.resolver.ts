import { Arg, Ctx, Directive, ID, Mutation, Resolver } from 'type-graphql';
import { requireService } from '@shop/federation';
import type { OrdersContext } from '../context';
import { ExpiredHold } from './expired-hold.type';

/** The scope inventory's sweeper signs its calls with. */
const SETTLE_HOLDS_SCOPE = 'orders:settle-holds';

// Not in the public supergraph: only inventory settles the holds it is about to give back.
@Resolver()
export class ExpiredHoldResolver {
  @Directive('@inaccessible')
  @Mutation(() => ExpiredHold, {
    description:
      'Asked before an expired stock hold is given back: PAID if the order was paid; otherwise the order is cancelled (RESERVATION_EXPIRED) so it never will be, and CANCELLED. Asked again, the same answer. Services with orders:settle-holds only.',
  })
  async settleExpiredHold(
    @Arg('orderId', () => ID) orderId: string,
    @Ctx() ctx: OrdersContext,
  ): Promise<ExpiredHold> {
    requireService(ctx.identity, SETTLE_HOLDS_SCOPE);
    const outcome = await ctx.services.expiredHolds.settle(orderId, ctx.log, ctx.requestId);
    return { orderId, outcome };
  }
}
