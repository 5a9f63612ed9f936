import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { PaymentsContext } from '../context';
import { PaymentMethod } from '../payment-method/payment-method.type';
import { UserReference } from './user.stub';

@Resolver(() => UserReference)
export class UserPaymentMethodsResolver {
  @FieldResolver(() => [PaymentMethod], { description: 'Saved cards not removed, newest first.' })
  paymentMethods(
    @Root() user: UserReference,
    @Ctx() ctx: PaymentsContext,
  ): Promise<PaymentMethod[]> {
    return ctx.loaders.paymentMethodsByUserId.load(user.id);
  }
}
