import { Directive, Field, ID, InputType, Int } from 'type-graphql';

@Directive('@inaccessible')
@InputType({
  description: "An authorization of an order's amount on one of its buyer's payment methods.",
})
export class AuthorizePaymentInput {
  @Field(() => ID)
  orderId!: string;

  @Field(() => ID, { description: 'The buyer; the payment method must be theirs.' })
  userId!: string;

  @Field(() => ID)
  paymentMethodId!: string;

  @Field(() => Int, { description: 'Minor units, 1 to 2147483647.' })
  amount!: number;

  @Field({ description: 'ISO 4217 code, e.g. USD.' })
  currency!: string;

  @Field({ description: 'Authorizing again with the same key answers the first payment.' })
  idempotencyKey!: string;

  @Field(() => Int, {
    description:
      'How long the authorization waits for its capture (1 to 604800 seconds); voided after.',
  })
  ttlSeconds!: number;
}
