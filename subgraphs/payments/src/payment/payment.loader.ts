import type DataLoader from 'dataloader';
import { keyedLoader } from '@shop/federation';
import type { PaymentMethod } from '../payment-method/payment-method.type';
import type { PaymentService } from './payment.service';
import type { Payment } from './payment.type';

/** `methods`: the request's loader of payment methods, given the ones read with payments. */
export function createPaymentLoaders(
  service: PaymentService,
  methods: DataLoader<string, PaymentMethod | null>,
) {
  return {
    paymentById: keyedLoader<string, Payment>(
      (ids) => service.byIds(ids),
      (payment) => payment.id,
    ),
    latestPaymentByOrderId: keyedLoader<string, Payment>(
      (orderIds) => service.latestOfOrders(orderIds, (method) => methods.prime(method.id, method)),
      (payment) => payment.orderId,
    ),
  };
}
