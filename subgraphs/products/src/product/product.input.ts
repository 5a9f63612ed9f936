import { Field, ID, InputType, Int } from 'type-graphql';
import { MoneyInput } from '@shop/federation';
import { ProductImageInput } from './product-image.type';

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

@InputType({ description: 'A new product; text is trimmed before it is checked.' })
export class CreateProductInput {
  @Field({ description: '1..200 characters; the slug is made from it.' })
  name!: string;

  @Field({ description: '1..5000 characters.' })
  description!: string;

  @Field(() => ID, { description: 'An existing category.' })
  categoryId!: string;

  @Field(() => MoneyInput, { description: '0..100000000 minor units, ISO 4217 currency.' })
  price!: MoneyInput;
}

@InputType({
  description: 'What an ADMIN changes in a product; fields not given stay as they are.',
})
export class UpdateProductInput {
  @Field({
    nullable: true,
    description: '1..200 characters; the slug stays, so links keep working.',
  })
  name?: string;

  @Field({ nullable: true, description: '1..5000 characters.' })
  description?: string;

  @Field(() => ID, { nullable: true, description: 'An existing category.' })
  categoryId?: string;

  @Field(() => [ProductImageInput], {
    nullable: true,
    description: 'Replaces every picture, in this order (the first is the one lists show); 0..10.',
  })
  images?: ProductImageInput[];
}
