import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ProductStub } from '../product/product.stub';

@ObjectType({ description: "A product's availability after a change of its stock." })
export class InventoryChange {
  @Field(() => ID, { description: 'The product whose stock changed.' })
  productId!: string;

  @Field(() => Int, { description: 'Sum of what is available in every warehouse now.' })
  available!: number;

  @Field({ description: 'Whether anything is available now (available > 0).' })
  inStock!: boolean;

  @Field(() => ProductStub, { description: 'The product, resolved by its own subgraph.' })
  product!: ProductStub;
}
