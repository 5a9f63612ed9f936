import { Directive, Field, ID, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A place stock is kept and shipped from.' })
export class Warehouse {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'Short unique code, e.g. BER.' })
  code!: string;
}
