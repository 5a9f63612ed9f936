import { Field, ID, InputType, Int } from 'type-graphql';

@InputType({ description: 'All given conditions must hold.' })
export class SearchFilter {
  @Field(() => [ID], {
    nullable: true,
    description: 'Products in any of these categories; empty or absent means any category.',
  })
  categoryIds?: string[] | null;

  @Field(() => Int, { nullable: true, description: 'Lowest price in minor units, inclusive.' })
  minPrice?: number | null;

  @Field(() => Int, { nullable: true, description: 'Highest price in minor units, inclusive.' })
  maxPrice?: number | null;

  @Field(() => Boolean, { nullable: true })
  inStock?: boolean | null;
}
