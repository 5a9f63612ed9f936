import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** An order of the orders subgraph, to which this subgraph adds payment. */
@Directive('@key(fields: "id")')
@ObjectType('Order')
export class OrderStub {
  @Field(() => ID)
  id!: string;
}
