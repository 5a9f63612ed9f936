import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** A reference to a category of the products subgraph; the router fills in the rest. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Category')
export class CategoryStub {
  @Field(() => ID)
  id!: string;
}
