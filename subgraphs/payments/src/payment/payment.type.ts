import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Money, PaymentStatus } from '@shop/federation';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'One charge of an order to a payment method.' })
export class Payment {
  @Field(() => ID)
  id!: string;

  // Shareable, as amount and method: orders provides them in the checkout's answer, from the
  // charge's answer it has just had from here.
  @Directive('@shareable')
  @Field(() => PaymentStatus)
  status!: PaymentStatus;

  @Directive('@shareable')
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
