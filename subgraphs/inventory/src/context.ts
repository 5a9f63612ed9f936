import type { BaseContext } from '@shop/federation';
import type { Database } from './db';
import { ReservationService } from './reservation/reservation.service';
import { StockEvents } from './stock/stock-events';
import { createStockLoaders } from './stock/stock.loader';
import { StockService } from './stock/stock.service';
import { createWarehouseLoaders } from './warehouse/warehouse.loader';
import { WarehouseService } from './warehouse/warehouse.service';

/** Services are per process; loaders are per request, so nothing is cached across users. */
export function createServices(db: Database) {
  const stockEvents = new StockEvents(db);
  return {
    stockEvents,
    stock: new StockService(db, stockEvents),
    reservations: new ReservationService(db, stockEvents),
    warehouses: new WarehouseService(db),
  };
}

export type InventoryServices = ReturnType<typeof createServices>;

const servicesByDatabase = new WeakMap<Database, InventoryServices>();

/**
 * The services of a database, made once: the resolvers and the background
 * work share them, so a write wakes the relay background() attached.
 */
export function servicesOf(db: Database): InventoryServices {
  let services = servicesByDatabase.get(db);
  if (!services) {
    services = createServices(db);
    servicesByDatabase.set(db, services);
  }
  return services;
}

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
