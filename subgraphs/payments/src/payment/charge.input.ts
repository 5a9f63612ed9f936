import { Directive, Field, ID, InputType, Int } from 'type-graphql';

@Directive('@inaccessible')
@InputType({
  description: "A charge of an order's amount to one of its buyer's payment methods.",
})
export class ChargePaymentInput {
  @Field(() => ID)
  orderId!: string;

  @Field(() => Int, {
    nullable: true,
    description:
      "The order's number as its buyer knows it (#1001), named in the messages about this payment.",
  })
  orderNumber?: number | null;

  @Field(() => ID, { description: 'The buyer; the payment method must be theirs.' })
  userId!: string;

  @Field(() => ID)
  paymentMethodId!: string;

  @Field(() => Int, { description: 'Minor units, 1 to 2147483647.' })
  amount!: number;

  @Field({ description: 'ISO 4217 code, e.g. USD.' })
  currency!: string;

  @Field({
    description: 'Charging again with the same key answers the first payment as it then is.',
  })
  idempotencyKey!: string;

  @Field(() => Int, {
    description:
      'How long an authorization held for review waits for the decision (1 to 604800 seconds); voided after.',
  })
  ttlSeconds!: number;
}
