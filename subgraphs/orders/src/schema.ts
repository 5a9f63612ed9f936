import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '@shop/federation';
import { CartResolver } from './cart/cart.resolver';
import { CancelOrderResolver } from './checkout/cancel-order.resolver';
import { CheckoutPaymentResolver } from './checkout/checkout-payment.resolver';
import { CheckoutResolver } from './checkout/checkout.resolver';
import { ExpiredHoldResolver } from './checkout/expired-hold.resolver';
import { OrderLiveResolver } from './live/order-live.resolver';
import { resolveOrderReference } from './order/order.reference';
import { OrderResolver } from './order/order.resolver';
import { UserOrdersResolver } from './user/user-orders.resolver';
import { resolveUserReference } from './user/user.reference';

export function buildOrdersSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [
      CartResolver,
      CancelOrderResolver,
      CheckoutPaymentResolver,
      CheckoutResolver,
      ExpiredHoldResolver,
      OrderLiveResolver,
      OrderResolver,
      UserOrdersResolver,
    ],
    referenceResolvers: {
      Order: resolveOrderReference,
      User: resolveUserReference,
    },
  });
}
