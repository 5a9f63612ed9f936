import { groupedLoader, keyedLoader } from '@shop/federation';
import type { PaymentMethodService } from './payment-method.service';
import type { PaymentMethod } from './payment-method.type';

export function createPaymentMethodLoaders(service: PaymentMethodService) {
  return {
    paymentMethodById: keyedLoader<string, PaymentMethod>(
      (ids) => service.byIds(ids),
      (method) => method.id,
    ),
    paymentMethodsByUserId: groupedLoader<string, PaymentMethod>(
      (userIds) => service.activeOfUsers(userIds),
      (method) => method.userId,
    ),
  };
}
