import { Field, ID, InputType, Int } from 'type-graphql';

@InputType({ description: 'All given conditions must hold.' })
export class ProductFilter {
  @Field(() => ID, { nullable: true, description: 'This category or any below it.' })
  categoryId?: string;

  @Field(() => Int, { nullable: true, description: 'Lowest price in minor units, inclusive.' })
  minPrice?: number;

  @Field(() => Int, { nullable: true, description: 'Highest price in minor units, inclusive.' })
  maxPrice?: number;

  @Field({ nullable: true })
  inStock?: boolean;
}
