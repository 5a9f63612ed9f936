import { Field, ID, ObjectType } from 'type-graphql';
import { Money } from '@shop/federation';

@ObjectType({ description: 'Money returned from a payment.' })
export class Refund {
  @Field(() => ID)
  id!: string;

  @Field(() => Money)
  amount!: Money;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field()
  createdAt!: Date;

  paymentId!: string;
}
