import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** A user of the users subgraph, to which this subgraph adds paymentMethods. */
@Directive('@key(fields: "id")')
@ObjectType('User')
export class UserStub {
  @Field(() => ID)
  id!: string;
}
