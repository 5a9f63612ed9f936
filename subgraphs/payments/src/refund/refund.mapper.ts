import { Money } from '@shop/federation';
import type { Refund } from './refund.type';

export const refundColumns = {
  id: true,
  paymentId: true,
  amount: true,
  currency: true,
  reason: true,
  createdAt: true,
} as const;

export interface RefundRow {
  id: string;
  paymentId: string;
  amount: number;
  currency: string;
  reason: string | null;
  createdAt: Date;
}

export function toRefund(row: RefundRow): Refund {
  return {
    id: row.id,
    paymentId: row.paymentId,
    amount: Money.of(row.amount, row.currency),
    reason: row.reason,
    createdAt: row.createdAt,
  };
}
