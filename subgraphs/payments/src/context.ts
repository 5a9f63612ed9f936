import type { BaseContext } from '@shop/federation';
import type { Database } from './db';
import { createPaymentMethodLoaders } from './payment-method/payment-method.loader';
import { PaymentMethodService } from './payment-method/payment-method.service';
import { createPaymentLoaders } from './payment/payment.loader';
import { PaymentService } from './payment/payment.service';
import { createRefundLoaders } from './refund/refund.loader';
import { RefundService } from './refund/refund.service';

/** Services are per process; loaders are per request, so nothing is cached across users. */
export function createServices(db: Database) {
  return {
    paymentMethods: new PaymentMethodService(db),
    payments: new PaymentService(db),
    refunds: new RefundService(db),
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
