import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A shipping address saved by a user.' })
export class Address {
  @Field(() => ID)
  id!: string;

  @Field()
  line1!: string;

  @Field(() => String, { nullable: true })
  line2!: string | null;

  @Field()
  city!: string;

  @Field()
  postalCode!: string;

  @Field({ description: 'ISO 3166-1 alpha-2.' })
  country!: string;

  @Field({ description: 'At most one per user; checkout proposes it first.' })
  isDefault!: boolean;

  userId!: string;
}
