import { Field, InputType, Int } from 'type-graphql';

@InputType({ description: 'A card as typed; only its token, brand, last4 and expiry are kept.' })
export class AddPaymentMethodInput {
  @Field({ description: '12 to 19 digits; spaces and dashes are ignored.' })
  cardNumber!: string;

  @Field(() => Int, { description: '1..12' })
  expMonth!: number;

  @Field(() => Int, { description: 'Four digits, e.g. 2030.' })
  expYear!: number;

  @Field({ description: '3 digits, 4 for AMEX.' })
  cvc!: string;
}
