import { Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { cachePublicly, PUBLIC_CACHE_SECONDS } from '@shop/federation';
import type { InventoryContext } from '../context';
import { ProductInventory } from '../stock/stock.type';
import { ProductStub } from './product.stub';

@Resolver(() => ProductStub)
export class ProductInventoryResolver {
  // Nullable although inventory always answers one: when the inventory
  // subgraph cannot be reached, the router answers null here (with an error
  // naming inventory) and the rest of the product page still renders; a
  // non-null field would take the whole product down with it.
  @FieldResolver(() => ProductInventory, {
    nullable: true,
    description:
      'Stock across all warehouses; zero when never stocked. Null only when inventory cannot be reached.',
  })
  inventory(
    @Root() product: ProductStub,
    @Ctx() ctx: InventoryContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ProductInventory> {
    // Availability is public; `warehouses` (no hint) keeps an answer with it uncached.
    cachePublicly(info, PUBLIC_CACHE_SECONDS.stock);
    return ctx.loaders.inventoryByProductId.load(product.id);
  }
}
