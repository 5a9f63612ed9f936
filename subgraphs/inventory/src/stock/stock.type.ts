import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { ProductStub } from '../product/product.stub';
import { WAREHOUSE_ACCESS_DIRECTIVE } from '../warehouse/warehouse-access';
import { Warehouse } from '../warehouse/warehouse.type';

@ObjectType({ description: 'Stock of one product in one warehouse.' })
export class WarehouseStock {
  @Field(() => Warehouse)
  warehouse!: Warehouse;

  @Field(() => Int)
  onHand!: number;

  @Field(() => Int, { description: 'Held for checkouts in progress; never more than onHand.' })
  reserved!: number;

  @Field(() => Int, { description: 'onHand minus reserved.' })
  available!: number;
}

@ObjectType({ description: 'How much of a product can be sold, in total and per warehouse.' })
export class ProductInventory {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int, { description: 'Sum of what is available in every warehouse; never negative.' })
  available!: number;

  @Field({ description: 'Whether anything is available (available > 0).' })
  inStock!: boolean;

  @Field(() => Int, { description: 'At or below this, the product is low on stock; 5 unless set.' })
  lowStockThreshold!: number;

  // Nullable: refused to a caller, it nulls only itself, not the public availability beside it.
  @Directive(WAREHOUSE_ACCESS_DIRECTIVE)
  @Directive('@listSize(assumedSize: 10)')
  @Field(() => [WarehouseStock], {
    nullable: true,
    description:
      'Every warehouse with a stock record for the product, by warehouse name. ADMIN only.',
  })
  warehouses!: WarehouseStock[];

  @Field(() => ProductStub)
  product!: ProductStub;
}
