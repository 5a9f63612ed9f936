import type { BaseContext, ServiceRuntime } from '@shop/federation';
import type { InventoryConfig } from './config';
import type { Database, INVENTORY_STREAM } from './db';
import { OrderHolds } from './reservation/order-holds';
import { ReservationService } from './reservation/reservation.service';
import { LowStockService } from './stock/low-stock.service';
import { StockEvents } from './stock/stock-events';
import { createStockLoaders } from './stock/stock.loader';
import { StockService } from './stock/stock.service';
import { createWarehouseLoaders } from './warehouse/warehouse.loader';
import { WarehouseService } from './warehouse/warehouse.service';

/**
 * Made once per launch and shared by every request and the background work;
 * loaders are per request, so nothing is cached across users.
 */
export function createServices(
  db: Database,
  config: InventoryConfig,
  { outbox }: ServiceRuntime<typeof INVENTORY_STREAM>,
) {
  const stockEvents = new StockEvents(db, outbox);
  const stock = new StockService(db, stockEvents, outbox);
  return {
    stock,
    lowStock: new LowStockService(db, stock),
    reservations: new ReservationService(db, stockEvents, outbox),
    warehouses: new WarehouseService(db),
    orderHolds: new OrderHolds(config),
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
