import { PaymentDeclinedError } from '@shop/platform';
import { toPayment } from './payment.mapper';
import type { Payment } from './payment.type';
import type { ChargeRow, DeclineReason } from './settlement';

const DECLINE_MESSAGES: Record<DeclineReason, string> = {
  card_declined: 'The card was declined',
  insufficient_funds: 'The card has insufficient funds',
  fraud_blocked: 'Too many declined payments; try again later',
  review_limit:
    'Too many of your orders await a review of their payment; wait for one to be decided, or cancel one, before placing another this large',
  review_rejected: 'An ADMIN rejected the payment on review',
  order_cancelled: 'The order was cancelled before the payment was captured',
  authorization_expired: 'The authorization expired before the payment was captured',
};

/**
 * What the saga's operations answer for a payment: the payment, or, for one
 * that will never be captured (declined or voided), PAYMENT_DECLINED with its
 * declineCode and paymentId, the first time and on every retry.
 */
export function answer(row: ChargeRow): Payment {
  if (row.status === 'DECLINED' || row.status === 'VOIDED') {
    const reason = (row.declineCode ?? 'card_declined') as DeclineReason;
    throw new PaymentDeclinedError(DECLINE_MESSAGES[reason] ?? DECLINE_MESSAGES.card_declined, {
      declineCode: reason,
      paymentId: row.id,
    });
  }
  return toPayment(row);
}
