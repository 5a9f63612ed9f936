import { Ctx, Directive, FieldResolver, Resolver, Root } from 'type-graphql';
import { assertMayAccess, requireUserOrService } from '@shop/federation';
import type { PaymentsContext } from '../context';
import { PaymentMethod } from '../payment-method/payment-method.type';
import { UserStub } from './user.stub';

@Resolver(() => UserStub)
export class UserPaymentMethodsResolver {
  @Directive('@authenticated')
  @Directive('@listSize(assumedSize: 10)')
  @FieldResolver(() => [PaymentMethod], {
    // Nullable so that refusing another user's cards nulls this field, not the whole user.
    nullable: true,
    description:
      'Saved cards not removed, newest first. For the user and ADMINs; NOT_FOUND for others.',
  })
  paymentMethods(@Root() user: UserStub, @Ctx() ctx: PaymentsContext): Promise<PaymentMethod[]> {
    requireUserOrService(ctx.identity);
    assertMayAccess(ctx.identity, user.id, 'User');
    return ctx.loaders.paymentMethodsByUserId.load(user.id);
  }
}
