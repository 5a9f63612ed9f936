import {
  Arg,
  Ctx,
  Directive,
  FieldResolver,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { requireAdmin } from '@shop/federation';
import type { InventoryContext } from '../context';
import { requireWarehouseAccess } from '../warehouse/warehouse-access';
import { ProductInventoryConnection } from './product-inventory.connection';
import { announceStockChanged } from './stock-announcements';
import { RestockInput } from './restock.input';
import { ProductInventory, type WarehouseStock } from './stock.type';

@Resolver(() => ProductInventory)
export class StockResolver {
  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Directive('@listSize(slicingArguments: ["first"], sizedFields: ["edges"])')
  @Query(() => ProductInventoryConnection, {
    description:
      'ADMIN only. Products at or below their low-stock threshold, fewest available first; first is 1..100. Products never stocked are not listed.',
  })
  lowStock(
    @Arg('first', () => Int) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: InventoryContext,
  ): Promise<ProductInventoryConnection> {
    requireAdmin(ctx.identity);
    return ctx.services.lowStock.list(first, after ?? undefined);
  }

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
