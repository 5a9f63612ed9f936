import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * A card of the payments subgraph, as much of it as the checkout's answer
 * provides (Payment.method): orders has it from the charge's answer.
 */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('PaymentMethod')
export class PaymentMethodStub {
  @Field(() => ID)
  id!: string;

  @Directive('@external')
  @Field()
  brand!: string;

  @Directive('@external')
  @Field()
  last4!: string;
}
