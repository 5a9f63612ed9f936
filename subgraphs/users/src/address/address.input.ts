import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A new shipping address; text is trimmed before it is checked.' })
export class AddressInput {
  @Field({ description: '1..200 characters.' })
  line1!: string;

  @Field(() => String, { nullable: true, description: 'Up to 200 characters.' })
  line2?: string | null;

  @Field({ description: '1..100 characters.' })
  city!: string;

  @Field({ description: '1..20 characters.' })
  postalCode!: string;

  @Field({ description: 'ISO 3166-1 alpha-2, e.g. "US"; case does not matter.' })
  country!: string;

  @Field(() => Boolean, {
    nullable: true,
    description: "Makes it the default in place of the current one; a user's first is always.",
  })
  isDefault?: boolean | null;
}
