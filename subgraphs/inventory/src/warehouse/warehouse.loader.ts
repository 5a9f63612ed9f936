import { keyedLoader } from '@shop/federation';
import type { WarehouseService } from './warehouse.service';
import type { Warehouse } from './warehouse.type';

export function createWarehouseLoaders(service: WarehouseService) {
  return {
    warehouseById: keyedLoader<string, Warehouse>(
      (ids) => service.byIds(ids),
      (warehouse) => warehouse.id,
    ),
  };
}
