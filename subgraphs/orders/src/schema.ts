import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '@shop/federation';
import { CartResolver } from './cart/cart.resolver';
import { CheckoutResolver } from './checkout/checkout.resolver';
import { orderReference } from './order/order.reference';
import { OrderResolver } from './order/order.resolver';
import { UserOrdersResolver } from './user/user-orders.resolver';
import { userReference } from './user/user.reference';

export function buildOrdersSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [CartResolver, CheckoutResolver, OrderResolver, UserOrdersResolver],
    referenceResolvers: {
      Order: orderReference,
      User: userReference,
    },
  });
}
