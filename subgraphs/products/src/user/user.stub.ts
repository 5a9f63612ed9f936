import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** A reference to a user of the users subgraph; the router fills in the rest. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('User')
export class UserStub {
  @Field(() => ID)
  id!: string;
}
