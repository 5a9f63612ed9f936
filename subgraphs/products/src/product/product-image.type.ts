import { Field, InputType, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A picture of a product.' })
export class ProductImage {
  @Field({
    description:
      'Absolute (https://…) or a path on the router’s origin (/images/…), which serves the placeholder illustrations.',
  })
  url!: string;

  @Field({ description: 'What the picture shows, for people who cannot see it.' })
  alt!: string;

  @Field(() => Int, { description: 'In pixels.' })
  width!: number;

  @Field(() => Int, { description: 'In pixels.' })
  height!: number;

  productId!: string;
}

@InputType({ description: 'A picture of a product, as an ADMIN gives it.' })
export class ProductImageInput {
  @Field({ description: 'https://… or a path starting with /; at most 2000 characters.' })
  url!: string;

  @Field({ description: '1..300 characters.' })
  alt!: string;

  @Field(() => Int, { description: '1..10000 pixels.' })
  width!: number;

  @Field(() => Int, { description: '1..10000 pixels.' })
  height!: number;
}
