import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '@shop/federation';
import { resolveOrderReference } from './order/order.reference';
import { OrderPaymentResolver } from './order/order-payment.resolver';
import { OrderStub } from './order/order.stub';
import { resolvePaymentMethodReference } from './payment-method/payment-method.reference';
import { PaymentMethodResolver } from './payment-method/payment-method.resolver';
import { resolvePaymentReference } from './payment/payment.reference';
import { PaymentResolver } from './payment/payment.resolver';
import { ReviewResolver } from './payment/review.resolver';
import { PaymentRefundsResolver } from './refund/payment-refunds.resolver';
import { RefundResolver } from './refund/refund.resolver';
import { resolveUserReference } from './user/user.reference';
import { UserPaymentMethodsResolver } from './user/user-payment-methods.resolver';
import { UserStub } from './user/user.stub';

export function buildPaymentsSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [
      OrderPaymentResolver,
      PaymentMethodResolver,
      PaymentResolver,
      PaymentRefundsResolver,
      RefundResolver,
      ReviewResolver,
      UserPaymentMethodsResolver,
    ],
    // Only ADMINs' review queue is a Query of its own: every other type hangs off these two entities.
    orphanedTypes: [OrderStub, UserStub],
    referenceResolvers: {
      Order: resolveOrderReference,
      Payment: resolvePaymentReference,
      PaymentMethod: resolvePaymentMethodReference,
      User: resolveUserReference,
    },
  });
}
