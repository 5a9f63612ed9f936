import { Ctx, Directive, Query, Resolver } from 'type-graphql';
import { requireAdminOrService } from '@shop/federation';
import type { InventoryContext } from '../context';
import { Warehouse } from './warehouse.type';

@Resolver(() => Warehouse)
export class WarehouseResolver {
  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Directive('@listSize(assumedSize: 10)')
  @Query(() => [Warehouse], { description: 'Every warehouse, by name. ADMIN only.' })
  warehouses(@Ctx() ctx: InventoryContext): Promise<Warehouse[]> {
    // Services act for the system and may list them too.
    requireAdminOrService(ctx.identity);
    return ctx.services.warehouses.list();
  }
}
