import type { BaseContext } from '@shop/federation';
import type { Database } from './db';
import { createStockLoaders } from './stock/stock.loader';
import { StockService } from './stock/stock.service';
import { createWarehouseLoaders } from './warehouse/warehouse.loader';
import { WarehouseService } from './warehouse/warehouse.service';

/** Services are per process; loaders are per request, so nothing is cached across users. */
export function createServices(db: Database) {
  return {
    stock: new StockService(db),
    warehouses: new WarehouseService(db),
  };
}

export type InventoryServices = ReturnType<typeof createServices>;

function createLoaders(services: InventoryServices) {
  return {
    ...createStockLoaders(services.stock),
    ...createWarehouseLoaders(services.warehouses),
  };
}

export interface InventoryContext extends BaseContext {
  services: InventoryServices;
  loaders: ReturnType<typeof createLoaders>;
}

/** Per request: the verified base context plus fresh loaders, so nothing is cached across users. */
export function contextFactory(services: InventoryServices) {
  return (base: BaseContext): InventoryContext => ({
    ...base,
    services,
    loaders: createLoaders(services),
  });
}
