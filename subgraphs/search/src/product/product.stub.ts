import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** A reference to a product of the products subgraph; the router fills in the rest. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Product')
export class ProductStub {
  @Field(() => ID)
  id!: string;
}
