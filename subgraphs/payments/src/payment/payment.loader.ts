import { keyedLoader } from '@shop/federation';
import type { PaymentService } from './payment.service';
import type { Payment } from './payment.type';

export function createPaymentLoaders(service: PaymentService) {
  return {
    paymentById: keyedLoader<string, Payment>(
      (ids) => service.byIds(ids),
      (payment) => payment.id,
    ),
    latestPaymentByOrderId: keyedLoader<string, Payment>(
      (orderIds) => service.latestOfOrders(orderIds),
      (payment) => payment.orderId,
    ),
  };
}
