import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Money, PaymentStatus } from '@shop/federation';
import { PaymentMethodStub } from './payment-method.stub';

/**
 * A payment of the payments subgraph, as much of it as the checkout's answer
 * provides (Mutation.checkout): orders has it from payments, as the charge
 * answered it or, when the saga did not just charge, asked again.
 */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Payment')
export class PaymentStub {
  @Field(() => ID)
  id!: string;

  @Directive('@external')
  @Field(() => PaymentStatus)
  status!: PaymentStatus;

  @Directive('@external')
  @Field(() => Money)
  amount!: Money;

  @Directive('@external')
  @Field(() => PaymentMethodStub)
  method!: PaymentMethodStub;
}
