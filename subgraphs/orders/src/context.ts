import type { BaseContext } from '@shop/federation';
import { CartService } from './cart/cart.service';
import { CancelOrderService } from './checkout/cancel-order.service';
import { CheckoutService } from './checkout/checkout.service';
import { ServiceClient } from './checkout/service-client';
import type { OrdersConfig } from './config';
import type { Database } from './db';
import { RelayWaker } from './events/order-events';
import { createOrderLoaders } from './order/order.loader';
import { OrderService } from './order/order.service';
import { ProductPriceService } from './price/product-price.service';

/**
 * Services are per process; loaders are per request, so nothing is cached
 * across users. `relay` lets the writing services wake the outbox relay.
 */
export function createServices(db: Database, config: OrdersConfig) {
  const relay = new RelayWaker();
  const client = new ServiceClient(config.services, { identitySecret: config.identitySecret });
  const checkout = new CheckoutService(db, relay, client);
  return {
    relay,
    orders: new OrderService(db, relay),
    carts: new CartService(db),
    prices: new ProductPriceService(db),
    checkout,
    cancellation: new CancelOrderService(db, checkout),
  };
}

export type OrdersServices = ReturnType<typeof createServices>;

const servicesByDatabase = new WeakMap<Database, OrdersServices>();

/**
 * The services of a database, made once: the resolvers and the background
 * work share them, so a write wakes the relay background() attached.
 */
export function servicesOf(db: Database, config: OrdersConfig): OrdersServices {
  let services = servicesByDatabase.get(db);
  if (!services) {
    services = createServices(db, config);
    servicesByDatabase.set(db, services);
  }
  return services;
}

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
