import type { InventoryContext } from '../context';
import type { Warehouse } from './warehouse.type';

export const warehouseReference = {
  __resolveReference(reference: { id: string }, ctx: InventoryContext): Promise<Warehouse | null> {
    return ctx.loaders.warehouseById.load(reference.id);
  },
};
