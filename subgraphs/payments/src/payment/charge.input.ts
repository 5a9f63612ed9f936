import { Directive, Field, ID, InputType, Int } from 'type-graphql';

@Directive('@inaccessible')
@InputType({ description: "A charge of an order to one of its buyer's payment methods." })
export class ChargeInput {
  @Field(() => ID)
  orderId!: string;

  @Field(() => ID, { description: 'The buyer; the payment method must be theirs.' })
  userId!: string;

  @Field(() => ID)
  paymentMethodId!: string;

  @Field(() => Int, { description: 'Minor units, at least 1.' })
  amount!: number;

  @Field({ description: 'ISO 4217 code, e.g. USD.' })
  currency!: string;

  @Field({ description: 'Charging again with the same key answers the first payment.' })
  idempotencyKey!: string;
}
