import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { InventoryContext } from '../context';
import { ProductInventory } from '../stock/stock.type';
import { ProductReference } from './product.stub';

@Resolver(() => ProductReference)
export class ProductInventoryResolver {
  @FieldResolver(() => ProductInventory, {
    description: 'Stock across all warehouses; zero when never stocked.',
  })
  inventory(
    @Root() product: ProductReference,
    @Ctx() ctx: InventoryContext,
  ): Promise<ProductInventory> {
    return ctx.loaders.inventoryByProductId.load(product.id);
  }
}
