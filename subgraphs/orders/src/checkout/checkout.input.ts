import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: "Checks out the caller's whole cart." })
export class CheckoutInput {
  @Field(() => ID, { description: "One of the caller's addresses; copied into the order." })
  addressId!: string;

  @Field(() => ID, { description: "One of the caller's payment methods." })
  paymentMethodId!: string;

  @Field({
    description:
      'The same key again answers the same order and charges once, also when the requests race. 1..200 characters.',
  })
  idempotencyKey!: string;
}
