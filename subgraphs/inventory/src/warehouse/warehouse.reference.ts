import type { InventoryContext } from '../context';
import type { Warehouse } from './warehouse.type';

// Open to anyone, unlike the warehouses list: a product's stock breakdown names its warehouses.
export const warehouseReference = {
  __resolveReference(reference: { id: string }, ctx: InventoryContext): Promise<Warehouse | null> {
    return ctx.loaders.warehouseById.load(reference.id);
  },
};
