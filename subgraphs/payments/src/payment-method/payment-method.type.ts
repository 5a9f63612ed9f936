import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A saved card, as much of it as may be shown.' })
export class PaymentMethod {
  @Field(() => ID)
  id!: string;

  // Shareable: orders provides them in the checkout's answer (Payment.method), from the charge's.
  @Directive('@shareable')
  @Field({ description: 'Card network, e.g. VISA.' })
  brand!: string;

  @Directive('@shareable')
  @Field({ description: 'The last four digits of the card number.' })
  last4!: string;

  @Field(() => Int, { description: '1..12' })
  expMonth!: number;

  @Field(() => Int, { description: 'Four digits, e.g. 2030.' })
  expYear!: number;

  userId!: string;
}
