import { Directive, Field, ID, ObjectType } from 'type-graphql';

// Inaccessible like the mutation answering it: only inventory's sweeper asks.
@Directive('@inaccessible')
@ObjectType({ description: 'What became of an order whose stock hold expired.' })
export class ExpiredHold {
  @Field(() => ID)
  orderId!: string;

  @Field({
    description: 'PAID: commit the hold. CANCELLED: the order will never be paid; release it.',
  })
  outcome!: string;
}
