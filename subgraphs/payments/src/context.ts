import type { BaseContext, ServiceRuntime } from '@shop/federation';
import type { FraudSettings } from './config';
import type { Database, PAYMENTS_STREAM } from './db';
import { createPaymentMethodLoaders } from './payment-method/payment-method.loader';
import { PaymentMethodService } from './payment-method/payment-method.service';
import { AuthorizationExpiry } from './payment/authorization-expiry';
import { CancelledOrderSettlement } from './payment/cancelled-order';
import { ChargeService } from './payment/charge.service';
import { createPaymentLoaders } from './payment/payment.loader';
import { PaymentService } from './payment/payment.service';
import { ReviewService } from './payment/review.service';
import { Settlement } from './payment/settlement';
import { VoidService } from './payment/void.service';
import type { CardProcessor } from './processor/card-processor';
import { createRefundLoaders } from './refund/refund.loader';
import { RefundService } from './refund/refund.service';

/**
 * Made once per launch and shared by every request and the background work;
 * loaders are per request, so nothing is cached across users.
 */
export function createServices(
  db: Database,
  processor: CardProcessor,
  fraud: FraudSettings,
  { outbox }: ServiceRuntime<typeof PAYMENTS_STREAM>,
) {
  const settlement = new Settlement(db, processor, outbox);
  const refunds = new RefundService(db, processor, outbox);
  return {
    paymentMethods: new PaymentMethodService(db, processor),
    payments: new PaymentService(db),
    charges: new ChargeService(db, settlement, outbox, fraud),
    voids: new VoidService(db, settlement, outbox),
    reviews: new ReviewService(db, settlement, outbox),
    expiry: new AuthorizationExpiry(db, settlement, outbox),
    refunds,
    cancelledOrders: new CancelledOrderSettlement(db, settlement, refunds),
  };
}

export type PaymentsServices = ReturnType<typeof createServices>;

function createLoaders(services: PaymentsServices) {
  const methods = createPaymentMethodLoaders(services.paymentMethods);
  return {
    ...methods,
    ...createPaymentLoaders(services.payments, methods.paymentMethodById),
    ...createRefundLoaders(services.refunds),
  };
}

export interface PaymentsContext extends BaseContext {
  services: PaymentsServices;
  loaders: ReturnType<typeof createLoaders>;
}

/** Per request: the verified base context plus fresh loaders, so nothing is cached across users. */
export function contextFactory(services: PaymentsServices) {
  return (base: BaseContext): PaymentsContext => ({
    ...base,
    services,
    loaders: createLoaders(services),
  });
}
