import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ProductStub } from '../product/product.stub';

@ObjectType({
  description: 'A change of stock that left a product at or below its low-stock threshold.',
})
export class LowStockAlert {
  @Field(() => ID, { description: 'The product low on stock.' })
  productId!: string;

  @Field(() => Int, { description: 'What was available across warehouses after the change.' })
  available!: number;

  @Field(() => Int, { description: "The product's low-stock threshold at the time." })
  threshold!: number;

  @Field(() => ProductStub, { description: 'The product, resolved by its own subgraph.' })
  product!: ProductStub;
}
