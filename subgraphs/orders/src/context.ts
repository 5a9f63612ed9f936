import type { BaseContext } from '@shop/federation';
import type { Database } from './db';
import { createOrderLoaders } from './order/order.loader';
import { OrderService } from './order/order.service';

/** Services are per process; loaders are per request, so nothing is cached across users. */
export function createServices(db: Database) {
  return {
    orders: new OrderService(db),
  };
}

export type OrdersServices = ReturnType<typeof createServices>;

function createLoaders(services: OrdersServices) {
  return {
    ...createOrderLoaders(services.orders),
  };
}

export interface OrdersContext extends BaseContext {
  services: OrdersServices;
  loaders: ReturnType<typeof createLoaders>;
}

/** Per request: the verified base context plus fresh loaders, so nothing is cached across users. */
export function contextFactory(services: OrdersServices) {
  return (base: BaseContext): OrdersContext => ({
    ...base,
    services,
    loaders: createLoaders(services),
  });
}
