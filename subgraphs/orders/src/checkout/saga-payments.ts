import { ConflictError } from '@shop/platform';
import type { PaymentStub } from '../payment/payment.stub';
import type { SiblingClient } from './sibling-client';

/**
 * A payment as payments answers the saga: what the checkout's answer provides
 * of it (PaymentStub), so that answer needs no call to payments of its own.
 */
export type PaymentAnswer = PaymentStub;

/** The fields of a PaymentAnswer, the same in every call that answers one. */
const PAYMENT_FIELDS = 'id status amount { amount currency } method { id brand last4 }';

/** What the saga's payment calls need of an order. */
export interface PayingOrder {
  id: string;
  /** What its buyer calls it (#1001): payments' messages name it. */
  number: number;
  userId: string;
  paymentMethodId: string;
  totalAmount: number;
  totalCurrency: string;
}

const CHARGE_PAYMENT = `mutation($input: ChargePaymentInput!) {
  chargePayment(input: $input) { ${PAYMENT_FIELDS} }
}`;
const VOID_PAYMENT = `mutation($id: ID!) { voidPayment(id: $id) { id status } }`;
const REFUND_PAYMENT = `mutation($input: RefundInput!) { refundPayment(input: $input) { id status } }`;
const ORDER_PAYMENT = `query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Order { payment { ${PAYMENT_FIELDS} } } }
}`;

/**
 * The checkout saga's calls to payments, each idempotent, and so retried when
 * an answer is lost: by a key derived from the order (charging, refunding:
 * payments answers what it did for the key), or by the payment's id, whose
 * state payments checks under a row lock (voiding). Errors are
 * payments' own (PAYMENT_DECLINED, CONFLICT…).
 */
export class SagaPayments {
  constructor(private readonly client: SiblingClient) {}

  /**
   * The order's amount charged to its buyer's card (SUCCEEDED), or held on it
   * while an ADMIN reviews it (PENDING, voided after `ttlSeconds` undecided),
   * or PAYMENT_DECLINED; asked again, the payment as it then is. The key is
   * the one authorizing had, so an order authorized before the charge
   * replaced authorizing and capturing apart is captured by it.
   */
  async charge(order: PayingOrder, ttlSeconds: number, requestId?: string): Promise<PaymentAnswer> {
    const { chargePayment } = await this.client.mutate<{ chargePayment: PaymentAnswer }>(
      'payments',
      CHARGE_PAYMENT,
      {
        input: {
          orderId: order.id,
          orderNumber: order.number,
          userId: order.userId,
          paymentMethodId: order.paymentMethodId,
          amount: order.totalAmount,
          currency: order.totalCurrency,
          idempotencyKey: `order:${order.id}:payment`,
          ttlSeconds,
        },
      },
      { requestId, idempotent: true },
    );
    return chargePayment;
  }

  /**
   * Gives the payment back, whatever became of it: an authorization is
   * voided; money captured meanwhile (an ADMIN's approval racing the
   * compensation) cannot be, and is refunded in full.
   */
  async giveBack(order: PayingOrder, paymentId: string, reason: string, requestId?: string) {
    try {
      await this.client.mutate(
        'payments',
        VOID_PAYMENT,
        { id: paymentId },
        { requestId, idempotent: true },
      );
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      await this.refund(order, paymentId, reason, requestId);
    }
  }

  /** The whole payment back, once: every refund of an order carries the same key. */
  async refund(
    order: PayingOrder,
    paymentId: string,
    reason: string,
    requestId?: string,
  ): Promise<void> {
    await this.client.mutate(
      'payments',
      REFUND_PAYMENT,
      {
        input: {
          paymentId,
          amount: order.totalAmount,
          idempotencyKey: `order:${order.id}:refund`,
          reason,
        },
      },
      { requestId, idempotent: true },
    );
  }

  /** The order's latest payment, asked as a service (which sees every payment); null if none. */
  async ofOrder(orderId: string, requestId?: string): Promise<PaymentAnswer | null> {
    const { _entities } = await this.client.query<{
      _entities: ({ payment?: PaymentAnswer | null } | null)[];
    }>(
      'payments',
      ORDER_PAYMENT,
      { representations: [{ __typename: 'Order', id: orderId }] },
      { requestId },
    );
    return _entities[0]?.payment ?? null;
  }
}
