import type { PaymentMethod } from './payment-method.type';

/** What may leave the database: the processor's token is never selected. */
export const paymentMethodColumns = {
  id: true,
  userId: true,
  brand: true,
  last4: true,
  expMonth: true,
  expYear: true,
} as const;

export interface PaymentMethodRow {
  id: string;
  userId: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export function toPaymentMethod(row: PaymentMethodRow): PaymentMethod {
  return {
    id: row.id,
    userId: row.userId,
    brand: row.brand,
    last4: row.last4,
    expMonth: row.expMonth,
    expYear: row.expYear,
  };
}
