import { Ctx, Query, Resolver } from 'type-graphql';
import type { InventoryContext } from '../context';
import { Warehouse } from './warehouse.type';

@Resolver(() => Warehouse)
export class WarehouseResolver {
  @Query(() => [Warehouse], { description: 'Every warehouse, by name.' })
  warehouses(@Ctx() ctx: InventoryContext): Promise<Warehouse[]> {
    return ctx.services.warehouses.list();
  }
}
