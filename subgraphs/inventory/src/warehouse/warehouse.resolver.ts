import { Ctx, Directive, Query, Resolver } from 'type-graphql';
import type { InventoryContext } from '../context';
import { requireWarehouseAccess, WAREHOUSE_ACCESS_DIRECTIVE } from './warehouse-access';
import { Warehouse } from './warehouse.type';

@Resolver(() => Warehouse)
export class WarehouseResolver {
  @Directive(WAREHOUSE_ACCESS_DIRECTIVE)
  @Directive('@listSize(assumedSize: 10)')
  @Query(() => [Warehouse], { description: 'Every warehouse, by name. ADMIN only.' })
  warehouses(@Ctx() ctx: InventoryContext): Promise<Warehouse[]> {
    requireWarehouseAccess(ctx.identity);
    return ctx.services.warehouses.list();
  }
}
