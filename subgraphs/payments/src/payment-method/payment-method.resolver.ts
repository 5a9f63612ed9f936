import { Arg, Ctx, Directive, Mutation, Resolver } from 'type-graphql';
import { requireUser } from '@shop/federation';
import type { PaymentsContext } from '../context';
import { AddPaymentMethodInput } from './add-payment-method.input';
import { PaymentMethod } from './payment-method.type';

@Resolver(() => PaymentMethod)
export class PaymentMethodResolver {
  @Directive('@authenticated')
  @Mutation(() => PaymentMethod, {
    description: 'Saves a card for the caller: tokenized, never stored or returned in full.',
  })
  addPaymentMethod(
    @Arg('input', () => AddPaymentMethodInput) input: AddPaymentMethodInput,
    @Ctx() ctx: PaymentsContext,
  ): Promise<PaymentMethod> {
    const user = requireUser(ctx.identity);
    return ctx.services.paymentMethods.add(user.userId, input);
  }
}
