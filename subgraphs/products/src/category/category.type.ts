import { Directive, Field, ID, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A node of the category tree.' })
export class Category {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'Unique, URL-safe.' })
  slug!: string;

  parentId!: string | null;
}
