import type { InventoryContext } from '../context';
import { requireWarehouseAccess } from './warehouse-access';
import type { Warehouse } from './warehouse.type';

export function resolveWarehouseReference(
  reference: { id: string },
  ctx: InventoryContext,
): Promise<Warehouse | null> {
  requireWarehouseAccess(ctx.identity);
  return ctx.loaders.warehouseById.load(reference.id);
}
