import { registerEnumType } from 'type-graphql';

/**
 * The contract's PaymentStatus, payments' to answer; orders answers it too
 * where the checkout provides its order's payment. The stored status says
 * more (payments' payment.mapper.ts maps it): an authorization not yet
 * captured, awaiting review or not, is PENDING; one given back uncaptured is
 * DECLINED.
 */
export enum PaymentStatus {
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  DECLINED = 'DECLINED',
  REFUNDED = 'REFUNDED',
  PARTIALLY_REFUNDED = 'PARTIALLY_REFUNDED',
}

registerEnumType(PaymentStatus, {
  name: 'PaymentStatus',
  valuesConfig: {
    PENDING: {
      description:
        'Not yet captured: the amount is held on the card until an ADMIN’s review (above the review threshold) is decided.',
    },
    SUCCEEDED: { description: 'Captured in full.' },
    DECLINED: {
      description:
        'Never captured: refused by the processor, the fraud rules or a review, or given back on the card when its order did not go ahead.',
    },
    REFUNDED: { description: 'Captured, then refunded in full.' },
    PARTIALLY_REFUNDED: { description: 'Captured, then refunded in part.' },
  },
});
