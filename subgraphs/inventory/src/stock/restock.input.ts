import { Field, ID, InputType, Int } from 'type-graphql';

@InputType({ description: 'Stock arriving at one warehouse.' })
export class RestockInput {
  @Field(() => ID, { description: 'Any product id (a UUID): the catalog is not checked here.' })
  productId!: string;

  @Field(() => ID)
  warehouseId!: string;

  @Field(() => Int, { description: '1..1000000 units, added to what the warehouse has on hand.' })
  quantity!: number;

  @Field(() => Int, {
    nullable: true,
    description: "0..1000000; when given, replaces the product's low-stock threshold.",
  })
  lowStockThreshold?: number | null;
}
