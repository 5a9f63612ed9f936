import { ConflictError } from '@shop/platform';
import type { SiblingClient } from './sibling-client';

/** A payment as payments answers the saga: its id and status (PaymentStatus). */
export interface PaymentAnswer {
  id: string;
  status: string;
}

/** What the saga's payment calls need of an order. */
export interface PayingOrder {
  id: string;
  userId: string;
  paymentMethodId: string;
  totalAmount: number;
  totalCurrency: string;
}

const AUTHORIZE_PAYMENT = `mutation($input: AuthorizePaymentInput!) {
  authorizePayment(input: $input) { id status }
}`;
const CAPTURE_PAYMENT = `mutation($id: ID!) { capturePayment(id: $id) { id status } }`;
const VOID_PAYMENT = `mutation($id: ID!) { voidPayment(id: $id) { id status } }`;
const REFUND_PAYMENT = `mutation($input: RefundInput!) { refundPayment(input: $input) { id status } }`;
const ORDER_PAYMENT = `query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Order { payment { id status } } }
}`;

/**
 * The checkout saga's calls to payments, each idempotent, and so retried when
 * an answer is lost: by a key derived from the order (authorizing, refunding:
 * payments answers what it did for the key), or by the payment's id, whose
 * state payments checks under a row lock (capturing, voiding). Errors are
 * payments' own (PAYMENT_DECLINED, CONFLICT…).
 */
export class SagaPayments {
  constructor(private readonly client: SiblingClient) {}

  /** The order's amount held on its buyer's card for `ttlSeconds` (PENDING), or PAYMENT_DECLINED. */
  async authorize(
    order: PayingOrder,
    ttlSeconds: number,
    requestId?: string,
  ): Promise<PaymentAnswer> {
    const { authorizePayment } = await this.client.mutate<{ authorizePayment: PaymentAnswer }>(
      'payments',
      AUTHORIZE_PAYMENT,
      {
        input: {
          orderId: order.id,
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
    return authorizePayment;
  }

  /** SUCCEEDED, PENDING while an ADMIN reviews it, or PAYMENT_DECLINED. */
  async capture(paymentId: string, requestId?: string): Promise<PaymentAnswer> {
    const { capturePayment } = await this.client.mutate<{ capturePayment: PaymentAnswer }>(
      'payments',
      CAPTURE_PAYMENT,
      { id: paymentId },
      { requestId, idempotent: true },
    );
    return capturePayment;
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
