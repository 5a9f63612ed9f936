import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '@shop/federation';
import { orderReference } from './order/order.reference';
import { OrderPaymentResolver } from './order/order-payment.resolver';
import { OrderReference } from './order/order.stub';
import { paymentMethodReference } from './payment-method/payment-method.reference';
import { PaymentMethodResolver } from './payment-method/payment-method.resolver';
import { paymentReference } from './payment/payment.reference';
import { PaymentResolver } from './payment/payment.resolver';
import { ReviewResolver } from './payment/review.resolver';
import { PaymentRefundsResolver } from './refund/payment-refunds.resolver';
import { RefundResolver } from './refund/refund.resolver';
import { userReference } from './user/user.reference';
import { UserPaymentMethodsResolver } from './user/user-payment-methods.resolver';
import { UserReference } from './user/user.stub';

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
    orphanedTypes: [OrderReference, UserReference],
    referenceResolvers: {
      Order: orderReference,
      Payment: paymentReference,
      PaymentMethod: paymentMethodReference,
      User: userReference,
    },
  });
}
