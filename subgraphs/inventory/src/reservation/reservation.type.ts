import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

// Inaccessible like the mutations answering it: only the checkout saga sees holds.
@Directive('@inaccessible')
@ObjectType({ description: "Units of one warehouse's stock held for an order." })
export class ReservedLine {
  @Field(() => ID)
  productId!: string;

  @Field(() => ID)
  warehouseId!: string;

  @Field(() => Int)
  quantity!: number;
}

@Directive('@inaccessible')
@ObjectType({ description: 'Stock held for an order until it is committed, released or expires.' })
export class Reservation {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  orderId!: string;

  @Field({ description: 'HELD, COMMITTED, RELEASED, EXPIRED or RETURNED.' })
  status!: string;

  @Field()
  expiresAt!: Date;

  @Field(() => [ReservedLine])
  lines!: ReservedLine[];
}
