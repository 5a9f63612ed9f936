import { Arg, Ctx, Directive, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { requireAdmin } from '@shop/federation';
import type { InventoryContext } from '../context';
import { requireWarehouseAccess } from '../warehouse/warehouse-access';
import { announceStockChanged } from './stock-announcements';
import { RestockInput } from './restock.input';
import { ProductInventory, type WarehouseStock } from './stock.type';

@Resolver(() => ProductInventory)
export class StockResolver {
  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Mutation(() => ProductInventory, {
    description:
      "Adds stock of a product to one warehouse; answers the product's inventory. ADMIN only.",
  })
  async restock(
    @Arg('input', () => RestockInput) input: RestockInput,
    @Ctx() ctx: InventoryContext,
  ): Promise<ProductInventory> {
    requireAdmin(ctx.identity);
    const inventory = await ctx.services.stock.restock(input, ctx.requestId);
    await announceStockChanged(ctx, [inventory.productId]);
    return inventory;
  }

  @FieldResolver()
  warehouses(@Root() inventory: ProductInventory, @Ctx() ctx: InventoryContext): WarehouseStock[] {
    requireWarehouseAccess(ctx.identity);
    return inventory.warehouses;
  }
}
