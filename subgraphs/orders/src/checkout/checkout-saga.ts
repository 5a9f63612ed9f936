import { randomUUID } from 'node:crypto';
import { ConflictError, DomainError } from '@shop/platform';
import {
  enumNameOf,
  tableNameOf,
  type Database,
  type OrderOutbox,
  type Prisma,
  type SagaStep,
} from '../db';
import { orderColumns } from '../order/order.mapper';
import { SagaInventory, type ReservationAnswer } from './saga-inventory';
import { SagaPayments, type PaymentAnswer } from './saga-payments';
import type { SiblingClient } from './sibling-client';
import { sqlUtc } from '@shop/database';

/** How long stock stays held for a checkout; a saga still unfinished then has failed. */
const RESERVATION_TTL_SECONDS = 15 * 60;
/**
 * How long the card's authorization waits for its capture: a minute less
 * than the stock hold, which starts after it, so a payment still awaiting an
 * ADMIN's review is voided (and its approval refused) while its stock is still
 * held, and an approval just before then leaves the saga time to commit it.
 */
const AUTHORIZATION_TTL_SECONDS = RESERVATION_TTL_SECONDS - 60;
/**
 * An unfinished saga whose last step is older than this has lost its driver
 * (a crash, a killed request): recovery, or a repeated checkout, takes it
 * over. It is longer than a live step can take (the client's timeout ×
 * attempts), so two drivers seldom overlap, and when they do every call is
 * idempotent by key and every step's write is conditional on the step read.
 */
export const STALE_SAGA_MS = 10_000;

/** The steps a saga has not finished at. */
export const UNFINISHED: SagaStep[] = [
  'CREATED',
  'PAYMENT_AUTHORIZED',
  'STOCK_RESERVED',
  'PAYMENT_CAPTURED',
  'COMPENSATING',
];

/** The failureCode of an order its buyer cancelled (cancelOrder): its saga compensates like a failed one. */
export const CANCELLED_BY_BUYER = 'CANCELLED_BY_BUYER';

const sagaColumns = {
  ...orderColumns,
  sagaStep: true,
  reservationId: true,
  paymentId: true,
  paymentMethodId: true,
  failureCode: true,
  updatedAt: true,
  // The lines as bought (name, unit price) too, for OrderPaid's `lines`, which messages show.
  items: {
    select: {
      productId: true,
      quantity: true,
      productName: true,
      unitPriceAmount: true,
      unitPriceCurrency: true,
    },
    orderBy: { productId: 'asc' },
  },
} as const satisfies Prisma.OrderSelect;

/** An order as its saga reads it. */
export type SagaOrder = Prisma.OrderGetPayload<{ select: typeof sagaColumns }>;

/** Where a run of the saga stopped, and the error of the step that failed on the way, if one did. */
export interface SagaRun {
  order: SagaOrder;
  failure?: Error;
}

/**
 * What one step ended in: go on with the next, stop with an error, or wait (a
 * payment awaiting review). A step whose write moved the saga as it expected
 * knows the order's new state (`order`); one whose write was refused (another
 * driver, or a cancellation, moved it first) leaves it to be read again.
 */
type StepOutcome = { order?: SagaOrder; failure?: Error } | { waiting: true };

/**
 * The checkout saga. Orders orchestrates; inventory and payments take part
 * through their own (internal) GraphQL operations, never their databases.
 * The card is authorized first, so no stock is ever held for a card that
 * does not authorize (nor for a buyer the fraud rules or the review limit
 * refuse); the stock is reserved next, and only then is the payment
 * captured (by an ADMIN's approval above the review threshold), so money is
 * never taken for stock not held; the reservation is committed last.
 * Every step's outcome is written to the order (sagaStep) before the next
 * call, so a saga interrupted anywhere is picked up from where it stopped by
 * a repeated checkout or by the recovery job, and every call is idempotent
 * (by a key derived from the order, or by the payment's state), so re-running
 * a step never holds or charges twice. The buyer's cancellation
 * (CancelOrderService) is the same compensation, entered from outside: a
 * driver still running then finds its next write refused, and undoes the
 * call it just made.
 */
export class CheckoutSaga {
  private readonly payments: SagaPayments;
  private readonly inventory: SagaInventory;

  constructor(
    private readonly db: Database,
    private readonly outbox: OrderOutbox,
    client: SiblingClient,
  ) {
    this.payments = new SagaPayments(client);
    this.inventory = new SagaInventory(client);
  }

  /**
   * Runs the saga from the order's current step to its end (or to a payment
   * awaiting review). A step's failure is the order's outcome, recorded on it,
   * so it is answered rather than thrown; what is thrown left a step undone,
   * for a later run to take up. `known` is the order as it stands, when the
   * caller has just written it.
   */
  async run(orderId: string, requestId?: string, known?: SagaOrder): Promise<SagaRun> {
    let failure: Error | undefined;
    let order = known ?? (await this.state(orderId));
    for (;;) {
      let outcome: StepOutcome;
      switch (order.sagaStep) {
        case 'COMPLETED':
        case 'COMPENSATED':
          return { order, failure };
        case 'CREATED':
          outcome = await this.authorize(order, requestId);
          break;
        case 'PAYMENT_AUTHORIZED':
          outcome = await this.reserve(order, requestId);
          break;
        case 'STOCK_RESERVED':
          outcome = await this.capture(order, requestId);
          break;
        case 'PAYMENT_CAPTURED':
          outcome = await this.complete(order, requestId);
          break;
        case 'COMPENSATING':
          outcome = await this.compensate(order, requestId);
          break;
      }
      if ('waiting' in outcome) return { order };
      failure = outcome.failure ?? failure;
      order = outcome.order ?? (await this.state(orderId));
    }
  }

  /** The order as its saga stands now. */
  state(id: string): Promise<SagaOrder> {
    return this.db.prisma.order.findUniqueOrThrow({ select: sagaColumns, where: { id } });
  }

  /**
   * Asks payments to hold the amount on the card. A refusal (declined card,
   * fraud block, review limit) ends the order at once: nothing was held.
   */
  private async authorize(order: SagaOrder, requestId?: string): Promise<StepOutcome> {
    let payment: PaymentAnswer;
    try {
      payment = await this.payments.authorize(order, AUTHORIZATION_TTL_SECONDS, requestId);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { failure: error, order: await this.cancel(order, 'CREATED', error.code) };
    }
    const authorized = await this.step(order, 'CREATED', {
      sagaStep: 'PAYMENT_AUTHORIZED',
      paymentId: payment.id,
    });
    // Cancelled while authorizing: the compensation did not know this payment, so it is given back
    // here (or, should this driver die first, voided by payments when its authorization expires).
    const compensating = authorized ? null : await this.compensatingNow(order.id);
    if (compensating) {
      await this.payments.giveBack(
        compensating,
        payment.id,
        refundReasonOf(compensating),
        requestId,
      );
    }
    return { order: authorized };
  }

  private async reserve(order: SagaOrder, requestId?: string): Promise<StepOutcome> {
    let reservation: ReservationAnswer;
    try {
      reservation = await this.inventory.reserve(order, RESERVATION_TTL_SECONDS, requestId);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // Nothing was held (reserving is all or nothing): the authorization is given back.
      return { failure: error, order: await this.failAt(order, 'PAYMENT_AUTHORIZED', error.code) };
    }
    if (reservation.status !== 'HELD' && reservation.status !== 'COMMITTED') {
      // A saga resumed after its hold expired: the stock may be gone.
      return {
        failure: new ConflictError('The stock held for this order expired'),
        order: await this.failAt(order, 'PAYMENT_AUTHORIZED', 'RESERVATION_EXPIRED'),
      };
    }
    const reserved = await this.step(order, 'PAYMENT_AUTHORIZED', {
      sagaStep: 'STOCK_RESERVED',
      reservationId: reservation.id,
    });
    // Cancelled while reserving: the compensation did not know this hold, so it is given back here.
    if (!reserved && reservation.status === 'HELD' && (await this.compensatingNow(order.id))) {
      await this.inventory.releaseUnrecorded(reservation.id, requestId);
    }
    return { order: reserved };
  }

  /**
   * Captures the payment now that its stock is held. A capture a step's
   * write then finds refused (the order cancelled meanwhile) needs nothing
   * more here: the compensation's void of the same payment is decided after
   * it (payments locks the row), finds it captured, and refunds it.
   */
  private async capture(order: SagaOrder, requestId?: string): Promise<StepOutcome> {
    let payment: PaymentAnswer;
    try {
      payment = await this.payments.capture(requiredId(order.paymentId, order.id), requestId);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { failure: error, order: await this.failAt(order, 'STOCK_RESERVED', error.code) };
    }
    // Awaiting an ADMIN's review: the order stays PENDING, its stock held, and recovery asks
    // again (answered, never captured twice) until the review is decided. Touching the order
    // sends it to the back of recovery's queue, so such orders are asked once per STALE_SAGA_MS
    // and never crowd out sagas that lost their driver. Undecided by AUTHORIZATION_TTL_SECONDS,
    // payments voids the authorization, and the next ask cancels the order (PAYMENT_DECLINED).
    if (payment.status === 'PENDING') {
      await this.step(order, 'STOCK_RESERVED', { updatedAt: new Date() });
      return { waiting: true };
    }
    return { order: await this.step(order, 'STOCK_RESERVED', { sagaStep: 'PAYMENT_CAPTURED' }) };
  }

  /** Ships the held stock and marks the order PAID, with its history, OrderPaid and the cart emptied. */
  private async complete(order: SagaOrder, requestId?: string): Promise<StepOutcome> {
    try {
      await this.inventory.commit(requiredId(order.reservationId, order.id), requestId);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // The hold expired before the capture was committed: refund and cancel.
      return {
        failure: new ConflictError('The stock held for this order expired'),
        order: await this.failAt(order, 'PAYMENT_CAPTURED', 'RESERVATION_EXPIRED'),
      };
    }
    const paid = await this.markPaid(order, requestId);
    if (!paid) return {};
    this.outbox.committed();
    return { order: { ...order, status: 'PAID', sagaStep: 'COMPLETED', updatedAt: new Date() } };
  }

  /**
   * PAID and COMPLETED from PAYMENT_CAPTURED, with the history row, OrderPaid
   * and the bought products out of the cart, in one statement: no connection
   * is held across round trips (it was seven as a transaction). Only the
   * products bought leave the cart: a line added since checkout began stays.
   * Answers whether this driver moved the order (no other did first).
   */
  private async markPaid(order: SagaOrder, requestId?: string): Promise<boolean> {
    const table = (name: Prisma.ModelName) => tableNameOf(this.db, name);
    const now = new Date().toISOString();
    const values = [
      order.id,
      now,
      randomUUID(),
      order.userId,
      order.items.map((item) => item.productId),
    ];
    const event = this.outbox.insertFrom(
      'paid',
      values.length,
      'OrderPaid',
      order.id,
      {
        orderId: order.id,
        userId: order.userId,
        total: { amount: order.totalAmount, currency: order.totalCurrency },
        items: order.items.map(({ productId, quantity }) => ({ productId, quantity })),
        number: order.number,
        lines: order.items.map((item) => ({
          productId: item.productId,
          quantity: item.quantity,
          productName: item.productName,
          unitPrice: { amount: item.unitPriceAmount, currency: item.unitPriceCurrency },
        })),
      },
      {
        // The history as it will stand: this statement's snapshot does not see its own row. A
        // concurrent move of the order changes its sagaStep, so this one then matches nothing.
        version: `(SELECT count(*)::int + 1 FROM ${table('OrderStatusHistory')} WHERE "orderId" = $1::uuid)`,
        correlationId: requestId ?? null,
      },
    );
    const [{ count }] = await this.db.prisma.$queryRawUnsafe<[{ count: number }]>(
      `WITH paid AS (
         UPDATE ${table('Order')}
            SET status = 'PAID', "sagaStep" = 'COMPLETED', "updatedAt" = ${sqlUtc('$2')}
          WHERE id = $1::uuid AND "sagaStep" = 'PAYMENT_CAPTURED'
          RETURNING id
       ), history AS (
         INSERT INTO ${table('OrderStatusHistory')} (id, "orderId", status, actor, at)
         SELECT $3::uuid, id, 'PAID'::${enumNameOf(this.db, 'OrderStatus')}, 'system',
                ${sqlUtc('$2')}
           FROM paid
       ), event AS (
         ${event.sql}
       ), cart AS (
         DELETE FROM ${table('CartItem')} item USING ${table('Cart')} cart
          WHERE item."cartId" = cart.id AND cart."userId" = $4::uuid
            AND item."productId" = ANY($5::uuid[]) AND EXISTS (SELECT 1 FROM paid)
       )
       SELECT count(*)::int AS count FROM paid`,
      ...values,
      ...event.values,
    );
    return count > 0;
  }

  /**
   * Gives the stock back (released while held; returned once a PAID order
   * committed it), then the payment (an authorization voided, a capture
   * refunded), and cancels the order.
   */
  private async compensate(order: SagaOrder, requestId?: string): Promise<StepOutcome> {
    if (order.reservationId) {
      if (order.status === 'PAID') {
        await this.inventory.giveBackCommitted(order.reservationId, requestId);
      } else {
        await this.inventory.release(order.reservationId, requestId);
      }
    }
    const paymentId =
      order.paymentId ??
      // Cancelled at CREATED: an authorization may have been made that the order does not record
      // (its driver died, or is still running, between authorizing and recording).
      (await this.payments.ofOrder(order.id, requestId))?.id;
    if (paymentId) {
      const reason = refundReasonOf(order);
      // A PAID order's payment was captured; any other's is voided unless it was captured meanwhile.
      if (order.status === 'PAID') await this.payments.refund(order, paymentId, reason, requestId);
      else await this.payments.giveBack(order, paymentId, reason, requestId);
    }
    return {
      order: await this.cancel(order, 'COMPENSATING', order.failureCode ?? 'CHECKOUT_FAILED'),
    };
  }

  /** COMPENSATING from `from`, for the step that failed with `failureCode`. */
  private failAt(
    order: SagaOrder,
    from: SagaStep,
    failureCode: string,
  ): Promise<SagaOrder | undefined> {
    return this.step(order, from, { sagaStep: 'COMPENSATING', failureCode });
  }

  /**
   * CANCELLED and COMPENSATED from `from`, with the history row and
   * OrderCancelled; answers the order so, unless another driver moved it first.
   */
  private async cancel(
    order: SagaOrder,
    from: SagaStep,
    failureCode: string,
  ): Promise<SagaOrder | undefined> {
    const cancelled = await this.db.prisma.$transaction(async (tx) => {
      const { count } = await tx.order.updateMany({
        where: { id: order.id, sagaStep: from },
        data: { status: 'CANCELLED', sagaStep: 'COMPENSATED', failureCode },
      });
      if (count === 0) return false;
      await tx.orderStatusHistory.create({
        data: {
          orderId: order.id,
          status: 'CANCELLED',
          actor: failureCode === CANCELLED_BY_BUYER ? order.userId : 'system',
          reason: failureCode,
        },
      });
      await this.outbox.record(
        tx,
        'OrderCancelled',
        order.id,
        { orderId: order.id, userId: order.userId, reason: failureCode, number: order.number },
        { version: await this.versionOf(tx, order.id) },
      );
      return true;
    });
    if (!cancelled) return undefined;
    this.outbox.committed();
    const change = { status: 'CANCELLED', sagaStep: 'COMPENSATED', failureCode } as const;
    return { ...order, ...change, updatedAt: new Date() };
  }

  /**
   * Moves the saga on, only from the step it was read at: a second driver of
   * the same order (a stale one taken over) changes nothing twice. Answers
   * the order so changed, or nothing when another driver or a cancellation
   * moved it first.
   */
  private async step(
    order: SagaOrder,
    from: SagaStep,
    change: Partial<Pick<SagaOrder, 'sagaStep' | 'reservationId' | 'paymentId' | 'failureCode'>> & {
      updatedAt?: Date;
    },
  ): Promise<SagaOrder | undefined> {
    const updatedAt = new Date();
    const { count } = await this.db.prisma.order.updateMany({
      where: { id: order.id, sagaStep: from },
      data: { updatedAt, ...change },
    });
    return count > 0 ? { ...order, updatedAt, ...change } : undefined;
  }

  /**
   * The order, if its saga is being (or has been) compensated: a step whose
   * write was refused for that must undo its call itself.
   */
  private async compensatingNow(id: string): Promise<SagaOrder | null> {
    const order = await this.state(id);
    return order.sagaStep === 'COMPENSATING' || order.sagaStep === 'COMPENSATED' ? order : null;
  }

  // The history only grows and an order's writes are serialized by its row lock.
  private versionOf(tx: Prisma.TransactionClient, orderId: string): Promise<number> {
    return tx.orderStatusHistory.count({ where: { orderId } });
  }
}

/** Why an order's payment is given back, as its refund records it. */
function refundReasonOf(order: SagaOrder): string {
  return order.failureCode === CANCELLED_BY_BUYER
    ? 'Cancelled by the buyer'
    : `Checkout failed: ${order.failureCode ?? 'unknown'}`;
}

function requiredId(id: string | null, orderId: string): string {
  if (!id) throw new Error(`Order ${orderId} passed a saga step without recording its id`);
  return id;
}
