import type { BaseContext, ServiceRuntime } from '@shop/federation';
import { BuyerAddressService } from './address/buyer-address.service';
import { CartService } from './cart/cart.service';
import { CancelOrderService } from './checkout/cancel-order.service';
import { BuyerAddresses } from './checkout/buyer-addresses';
import { CheckoutSaga } from './checkout/checkout-saga';
import { CheckoutService } from './checkout/checkout.service';
import { ExpiredHoldService } from './checkout/expired-hold.service';
import { SagaRecovery } from './checkout/saga-recovery';
import { createSiblingClient } from './checkout/sibling-client';
import type { OrdersConfig } from './config';
import type { Database, ORDERS_STREAM } from './db';
import { createOrderLoaders } from './order/order.loader';
import { OrderService } from './order/order.service';
import { ProductPriceService } from './price/product-price.service';

/**
 * Made once per launch and shared by every request and the background work;
 * loaders are per request, so nothing is cached across users.
 */
export function createServices(
  db: Database,
  config: OrdersConfig,
  { outbox }: ServiceRuntime<typeof ORDERS_STREAM>,
) {
  const client = createSiblingClient(config);
  const saga = new CheckoutSaga(db, outbox, client);
  return {
    orders: new OrderService(db, outbox),
    carts: new CartService(db),
    prices: new ProductPriceService(db),
    addresses: new BuyerAddressService(db),
    checkout: new CheckoutService(db, saga, new BuyerAddresses(client)),
    cancellation: new CancelOrderService(db, saga),
    expiredHolds: new ExpiredHoldService(db, saga),
    recovery: new SagaRecovery(db, saga),
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
