import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { CategoryStub } from '../category/category.stub';

@ObjectType({ description: 'How many matching products are in a category.' })
export class CategoryFacet {
  @Field(() => CategoryStub)
  category!: CategoryStub;

  @Field(() => Int)
  count!: number;
}

@ObjectType({
  description: 'How many matching products cost from min (inclusive) to max (exclusive).',
})
export class PriceRangeFacet {
  @Field(() => Int, { description: 'Minor units, inclusive.' })
  min!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Minor units, exclusive; null for no upper bound.',
  })
  max!: number | null;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'How many matching products are, or are not, in stock.' })
export class StockFacet {
  @Field()
  value!: boolean;

  @Field(() => Int)
  count!: number;
}

@ObjectType({
  description:
    "Counts over every product the query matches, not only the page. Each group counts the products the other groups' filters let through, so with a category chosen the others still show what choosing them would add; groups that count nothing are left out.",
})
export class SearchFacets {
  @Directive('@listSize(assumedSize: 20)')
  @Field(() => [CategoryFacet], { description: 'Most products first.' })
  categories!: CategoryFacet[];

  @Directive('@listSize(assumedSize: 10)')
  @Field(() => [PriceRangeFacet], { description: 'Cheapest range first.' })
  priceRanges!: PriceRangeFacet[];

  @Directive('@listSize(assumedSize: 2)')
  @Field(() => [StockFacet], { description: 'In stock first.' })
  inStock!: StockFacet[];
}
