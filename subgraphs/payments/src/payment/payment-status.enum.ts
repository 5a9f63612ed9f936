import { registerEnumType } from 'type-graphql';

/** The contract's PaymentStatus; keys equal values so the database's enum maps by name. */
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
    PENDING: { description: 'Created, not yet captured.' },
    SUCCEEDED: { description: 'Captured in full.' },
    DECLINED: { description: 'Refused by the processor or the fraud rules.' },
    REFUNDED: { description: 'Captured, then refunded in full.' },
    PARTIALLY_REFUNDED: { description: 'Captured, then refunded in part.' },
  },
});
