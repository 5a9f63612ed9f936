import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The users subgraph's User, to which this subgraph adds `notifications`; the router fills in the rest. */
@Directive('@key(fields: "id")')
@ObjectType('User')
export class UserStub {
  @Field(() => ID)
  id!: string;
}
