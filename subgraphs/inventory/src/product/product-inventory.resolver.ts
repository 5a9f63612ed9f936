import { Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { cachePublicly, PUBLIC_CACHE_SECONDS } from '@shop/federation';
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
    @Info() info: GraphQLResolveInfo,
  ): Promise<ProductInventory> {
    // Availability is public; `warehouses` (no hint) keeps an answer with it uncached.
    cachePublicly(info, PUBLIC_CACHE_SECONDS.stock);
    return ctx.loaders.inventoryByProductId.load(product.id);
  }
}
