import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A saved card, as much of it as may be shown.' })
export class PaymentMethod {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Card network, e.g. VISA.' })
  brand!: string;

  @Field({ description: 'The last four digits of the card number.' })
  last4!: string;

  @Field(() => Int, { description: '1..12' })
  expMonth!: number;

  @Field(() => Int, { description: 'Four digits, e.g. 2030.' })
  expYear!: number;

  userId!: string;
}
