import { Field, ID, InputType, Int } from 'type-graphql';

@InputType({ description: 'A review of a product from a delivered order; text is trimmed.' })
export class AddReviewInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int, { description: '1..5' })
  rating!: number;

  @Field(() => String, { nullable: true, description: 'Up to 200 characters.' })
  title?: string | null;

  @Field({ description: '1..5000 characters.' })
  body!: string;
}
