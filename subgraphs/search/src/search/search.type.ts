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
  description: 'Counts over every matching product, not only the page; empty groups are left out.',
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
