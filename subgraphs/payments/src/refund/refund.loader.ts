import { groupedLoader } from '@shop/federation';
import type { RefundService } from './refund.service';
import type { Refund } from './refund.type';

export function createRefundLoaders(service: RefundService) {
  return {
    refundsByPaymentId: groupedLoader<string, Refund>(
      (paymentIds) => service.ofPayments(paymentIds),
      (refund) => refund.paymentId,
    ),
  };
}
