import { Field, ObjectType } from 'type-graphql';

// Not "Address": users owns that entity; this is the copy taken at checkout.
@ObjectType({ description: 'Where an order ships, as the address read at checkout.' })
export class ShippingAddress {
  @Field()
  line1!: string;

  @Field(() => String, { nullable: true })
  line2!: string | null;

  @Field()
  city!: string;

  @Field()
  postalCode!: string;

  @Field({ description: 'ISO 3166-1 alpha-2' })
  country!: string;
}
