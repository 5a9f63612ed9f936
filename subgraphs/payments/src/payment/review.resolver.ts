import { Arg, Ctx, Directive, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { requireAdmin } from '@shop/federation';
import type { PaymentsContext } from '../context';
import { Payment } from './payment.type';

@Resolver(() => Payment)
export class ReviewResolver {
  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Directive('@listSize(slicingArguments: ["first"])')
  @Query(() => [Payment], {
    description: `Payments awaiting an ADMIN's review (above the review threshold; authorized, their orders' stock held, not captured), oldest first; first is 1 to 100. ADMIN only.`,
  })
  paymentsAwaitingReview(
    @Arg('first', () => Int) first: number,
    @Ctx() ctx: PaymentsContext,
  ): Promise<Payment[]> {
    requireAdmin(ctx.identity);
    return ctx.services.reviews.awaitingReview(first);
  }

  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Mutation(() => Payment, {
    description:
      'Decides a payment awaiting review: approve captures its authorization (SUCCEEDED, or DECLINED if the processor refuses), reject gives it back on the card (DECLINED, review_rejected). CONFLICT unless it awaits review (an authorization whose time is up no longer does). ADMIN only.',
  })
  reviewPayment(
    @Arg('id', () => ID) id: string,
    @Arg('approve', () => Boolean) approve: boolean,
    @Ctx() ctx: PaymentsContext,
  ): Promise<Payment> {
    const admin = requireAdmin(ctx.identity);
    return ctx.services.reviews.review(admin.userId, id, approve, ctx.requestId);
  }
}
