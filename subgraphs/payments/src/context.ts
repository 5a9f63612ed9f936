import type { BaseContext } from '@shop/federation';
import type { FraudSettings } from './config';
import type { Database } from './db';
import { createPaymentMethodLoaders } from './payment-method/payment-method.loader';
import { PaymentMethodService } from './payment-method/payment-method.service';
import { ChargeService } from './payment/charge.service';
import { PaymentEvents } from './payment/payment-events';
import { createPaymentLoaders } from './payment/payment.loader';
import { PaymentService } from './payment/payment.service';
import { ReviewService } from './payment/review.service';
import type { CardProcessor } from './processor/card-processor';
import { createRefundLoaders } from './refund/refund.loader';
import { RefundService } from './refund/refund.service';

/** Services are per process; loaders are per request, so nothing is cached across users. */
export function createServices(db: Database, processor: CardProcessor, fraud: FraudSettings) {
  const events = new PaymentEvents();
  return {
    events,
    paymentMethods: new PaymentMethodService(db, processor),
    payments: new PaymentService(db),
    charges: new ChargeService(db, processor, events, fraud),
    reviews: new ReviewService(db, processor, events),
    refunds: new RefundService(db, processor, events),
  };
}

export type PaymentsServices = ReturnType<typeof createServices>;

function createLoaders(services: PaymentsServices) {
  return {
    ...createPaymentMethodLoaders(services.paymentMethods),
    ...createPaymentLoaders(services.payments),
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
