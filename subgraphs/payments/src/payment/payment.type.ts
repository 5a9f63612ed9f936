import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Money } from '@shop/federation';
import { PaymentStatus } from './payment-status.enum';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'One charge of an order to a payment method.' })
export class Payment {
  @Field(() => ID)
  id!: string;

  @Field(() => PaymentStatus)
  status!: PaymentStatus;

  @Field(() => Money, { description: 'What was charged.' })
  amount!: Money;

  @Field(() => Money, { description: 'The sum of the refunds so far; at most amount.' })
  refundedAmount!: Money;

  @Field()
  createdAt!: Date;

  orderId!: string;
  /** Who paid: who, besides ADMINs, may see the payment. */
  userId!: string;
  paymentMethodId!: string;
}
