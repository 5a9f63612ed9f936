import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** A product of the products subgraph, to which this subgraph adds `inventory`. */
@Directive('@key(fields: "id")')
@ObjectType('Product')
export class ProductStub {
  @Field(() => ID)
  id!: string;
}
