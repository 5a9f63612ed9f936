import { Money, PaymentStatus } from '@shop/federation';
import type { PaymentStatus as StoredPaymentStatus } from '../db';
import type { Payment } from './payment.type';

export const paymentColumns = {
  id: true,
  orderId: true,
  userId: true,
  paymentMethodId: true,
  status: true,
  amount: true,
  refundedAmount: true,
  currency: true,
  createdAt: true,
} as const;

export interface PaymentRow {
  id: string;
  orderId: string;
  userId: string;
  paymentMethodId: string;
  status: StoredPaymentStatus;
  amount: number;
  refundedAmount: number;
  currency: string;
  createdAt: Date;
}

/**
 * The contract's status of each stored one: clients know five, and what they
 * tell (taken, refunded, or not, or not yet) is all a buyer acts on.
 */
const CONTRACT_STATUS: Record<StoredPaymentStatus, PaymentStatus> = {
  PENDING: PaymentStatus.PENDING,
  AUTHORIZED: PaymentStatus.PENDING,
  AWAITING_REVIEW: PaymentStatus.PENDING,
  SUCCEEDED: PaymentStatus.SUCCEEDED,
  DECLINED: PaymentStatus.DECLINED,
  VOIDED: PaymentStatus.DECLINED,
  REFUNDED: PaymentStatus.REFUNDED,
  PARTIALLY_REFUNDED: PaymentStatus.PARTIALLY_REFUNDED,
};

export function toPayment(row: PaymentRow): Payment {
  return {
    id: row.id,
    orderId: row.orderId,
    userId: row.userId,
    paymentMethodId: row.paymentMethodId,
    status: CONTRACT_STATUS[row.status],
    amount: Money.of(row.amount, row.currency),
    refundedAmount: Money.of(row.refundedAmount, row.currency),
    createdAt: row.createdAt,
  };
}
