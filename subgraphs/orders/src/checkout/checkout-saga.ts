import { randomUUID } from 'node:crypto';
import { PaymentStatus } from '@shop/federation';
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
import { sqlUtc, statement } from '@shop/database';
import type { EventDataOf } from '@shop/events';

/** How long stock stays held for a checkout; a saga still unfinished then has failed. */
const RESERVATION_TTL_SECONDS = 15 * 60;
/**
 * How long a charge held for an ADMIN's review waits for the decision: two
 * minutes less than the stock hold, which starts before it (by the reserve
 * call, its step's write and the charge call: milliseconds on a live saga, up
 * to STALE_SAGA_MS and a recovery pass when the driver died between them), so
 * a payment still awaiting review is voided (and its approval refused) while
 * its stock is still held, and an approval just before then leaves the saga
 * time to mark the order PAID. Past the hold's expiry, inventory's sweeper
 * asks orders (settleExpiredHold) before giving the stock back, which ends
 * an order not yet PAID then.
 */
const AUTHORIZATION_TTL_SECONDS = RESERVATION_TTL_SECONDS - 2 * 60;
/**
 * An unfinished saga whose last step is older than this has lost its driver
 * (a crash, a killed request): recovery, or a repeated checkout, takes it
 * over. It is longer than a live step can take (the client's timeout ×
 * attempts), so two drivers seldom overlap, and when they do every call is
 * idempotent by key and every step's write is conditional on the step read.
 */
export const STALE_SAGA_MS = 10_000;

/** The steps a saga has not finished at (PAYMENT_AUTHORIZED only an order's from before the charge). */
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
      id: true,
      productId: true,
      quantity: true,
      productName: true,
      unitPriceAmount: true,
      unitPriceCurrency: true,
    },
    orderBy: { productId: 'asc' },
  },
} as const satisfies Prisma.OrderSelect;

/** The event an order's saga ends with. */
type FinishingEvent = {
  [T in 'OrderPaid' | 'OrderCancelled']: { type: T; data: EventDataOf<'orders.events', T> };
}['OrderPaid' | 'OrderCancelled'];

/** An order as its saga reads it. */
export type SagaOrder = Prisma.OrderGetPayload<{ select: typeof sagaColumns }>;

/** Where a run of the saga stopped, and the error of the step that failed on the way, if one did. */
export interface SagaRun {
  order: SagaOrder;
  failure?: Error;
  /**
   * The order's payment as payments answered this run's charge, when the
   * run stopped with the order as that charge left it (PAID, or PENDING
   * awaiting review); unset otherwise.
   */
  payment?: PaymentAnswer;
}

/**
 * What one step ended in: go on with the next, stop with an error, or wait (a
 * payment awaiting review). A step whose write moved the saga as it expected
 * knows the order's new state (`order`); one whose write was refused (another
 * driver, or a cancellation, moved it first) leaves it to be read again. A
 * charge whose write moved the saga knows the order's payment (`payment`).
 */
type StepOutcome =
  | { order?: SagaOrder; failure?: Error; payment?: PaymentAnswer }
  | { waiting: true; payment?: PaymentAnswer };

/**
 * The checkout saga: reserve stock → charge → PAID, compensated on
 * failure. Orders orchestrates; inventory and payments take part through
 * their own (internal) GraphQL operations, never their databases. The stock
 * is reserved first (OUT_OF_STOCK ends the order at once, nothing charged),
 * then the card charged, authorized and captured in one call (captured on an
 * ADMIN's approval above the review threshold), so money is never taken for
 * stock not held; a declined charge releases the stock and cancels the
 * order. A captured charge marks the order PAID in the same write; inventory
 * commits the hold when it hears OrderPaid (off the request), and its
 * sweeper asks orders before releasing an expired hold (settleExpiredHold),
 * so a paid order's hold is never given back.
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
    let payment: PaymentAnswer | undefined;
    let order = known ?? (await this.state(orderId));
    for (;;) {
      let outcome: StepOutcome;
      switch (order.sagaStep) {
        case 'COMPLETED':
        case 'COMPENSATED':
          return { order, failure, payment };
        // PAYMENT_AUTHORIZED: an order authorized before the charge replaced authorizing and
        // capturing apart (its saga begun by an older orders during a rolling deploy), reserved
        // the same way, then charged by the authorization's key, which captures it.
        case 'CREATED':
        case 'PAYMENT_AUTHORIZED':
          outcome = await this.reserve(order, order.sagaStep, requestId);
          break;
        case 'STOCK_RESERVED':
          outcome = await this.charge(order, requestId);
          break;
        // Captured, not yet PAID: an order an older orders charged before committing the hold
        // (a rolling deploy), or whose driver died between those steps.
        case 'PAYMENT_CAPTURED':
          outcome = await this.complete(order);
          break;
        case 'COMPENSATING':
          outcome = await this.compensate(order, requestId);
          break;
      }
      if ('waiting' in outcome) return { order, payment: outcome.payment };
      failure = outcome.failure ?? failure;
      // Only the last step's: a later one may have moved the order past what the charge answered.
      payment = outcome.payment;
      order = outcome.order ?? (await this.state(orderId));
    }
  }

  /**
   * COMPENSATING with `failureCode`, only from the state read: a compensation
   * entered from outside (the buyer's cancellation, an expired hold). Of it
   * and a concurrent advance or saga step, the second waits for the first's
   * row lock, then matches nothing; a driver still running then finds its
   * next write refused and undoes its call. Answers whether this write moved
   * the order; run() then compensates.
   */
  async startCompensating(
    order: Pick<SagaOrder, 'id' | 'status' | 'sagaStep'>,
    failureCode: string,
  ): Promise<boolean> {
    const { count } = await this.db.prisma.order.updateMany({
      where: { id: order.id, status: order.status, sagaStep: order.sagaStep },
      data: { sagaStep: 'COMPENSATING', failureCode },
    });
    return count > 0;
  }

  /** The order as its saga stands now. */
  state(id: string): Promise<SagaOrder> {
    return this.db.prisma.order.findUniqueOrThrow({ select: sagaColumns, where: { id } });
  }

  /** The order's payment as payments has it now (null before the first). */
  payment(orderId: string, requestId?: string): Promise<PaymentAnswer | null> {
    return this.payments.ofOrder(orderId, requestId);
  }

  /**
   * Holds the order's stock, all or nothing. OUT_OF_STOCK, or a hold found
   * expired (a saga resumed late), ends the order at once: nothing is held
   * or charged, save an authorization made before reserving
   * (PAYMENT_AUTHORIZED), which the compensation gives back.
   */
  private async reserve(
    order: SagaOrder,
    from: 'CREATED' | 'PAYMENT_AUTHORIZED',
    requestId?: string,
  ): Promise<StepOutcome> {
    let reservation: ReservationAnswer;
    try {
      reservation = await this.inventory.reserve(order, RESERVATION_TTL_SECONDS, requestId);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { failure: error, order: await this.failBeforeCharge(order, from, error.code) };
    }
    if (reservation.status !== 'HELD' && reservation.status !== 'COMMITTED') {
      return {
        failure: new ConflictError('The stock held for this order expired'),
        order: await this.failBeforeCharge(order, from, 'RESERVATION_EXPIRED'),
      };
    }
    const reserved = await this.step(order, from, {
      sagaStep: 'STOCK_RESERVED',
      reservationId: reservation.id,
    });
    // Cancelled while reserving: the compensation did not know this hold, so it is given back here.
    if (!reserved && reservation.status === 'HELD' && (await this.compensatingNow(order.id))) {
      await this.inventory.releaseUnrecorded(reservation.id, requestId);
    }
    return { order: reserved };
  }

  /** CANCELLED at once from CREATED (nothing to give back); COMPENSATING from an authorized order. */
  private failBeforeCharge(
    order: SagaOrder,
    from: 'CREATED' | 'PAYMENT_AUTHORIZED',
    failureCode: string,
  ): Promise<SagaOrder | undefined> {
    return from === 'CREATED'
      ? this.cancel(order, 'CREATED', failureCode)
      : this.failAt(order, from, failureCode);
  }

  /**
   * Charges the card now that the stock is held. A refusal (declined card,
   * fraud block, review limit, a review rejected or undecided in time)
   * compensates: the stock is released and the order cancelled.
   */
  private async charge(order: SagaOrder, requestId?: string): Promise<StepOutcome> {
    let payment: PaymentAnswer;
    try {
      payment = await this.payments.charge(order, AUTHORIZATION_TTL_SECONDS, requestId);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { failure: error, order: await this.failAt(order, 'STOCK_RESERVED', error.code) };
    }
    // Awaiting an ADMIN's review: the order stays PENDING, its stock held and its payment
    // recorded, and recovery asks again (answered, never charged twice) until the review is
    // decided. Touching the order sends it to the back of recovery's queue, so such orders are
    // asked once per STALE_SAGA_MS and never crowd out sagas that lost their driver. Undecided
    // by AUTHORIZATION_TTL_SECONDS, payments voids the authorization, and the next ask cancels
    // the order (PAYMENT_DECLINED).
    // Captured: PAID at once, the payment recorded in the same write.
    const pending = payment.status === PaymentStatus.PENDING;
    const charged = pending
      ? await this.step(order, 'STOCK_RESERVED', { paymentId: payment.id })
      : await this.markPaid({ ...order, paymentId: payment.id }, 'STOCK_RESERVED', requestId);
    // Cancelled while charging (by the buyer, or by inventory's sweeper for a hold that expired):
    // the compensation may not have known this payment, so it is given back here too (voided, or
    // refunded once captured; both are idempotent).
    const compensating = charged ? null : await this.compensatingNow(order.id);
    if (compensating) {
      await this.payments.giveBack(
        compensating,
        payment.id,
        refundReasonOf(compensating),
        requestId,
      );
    }
    // The charge's answer is the order's payment only as long as the order is as it left it.
    const answered = charged ? payment : undefined;
    return pending ? { waiting: true, payment: answered } : { order: charged, payment: answered };
  }

  /**
   * Marks a captured order PAID. Its hold is still HELD even past its expiry
   * (inventory's sweeper asks orders first, and this saga then finishes it
   * PAID), and OrderPaid has inventory commit it.
   */
  private async complete(order: SagaOrder): Promise<StepOutcome> {
    return { order: await this.markPaid(order, 'PAYMENT_CAPTURED') };
  }

  /**
   * PAID and COMPLETED from `from` (the charge's step, or PAYMENT_CAPTURED),
   * the order's paymentId written with it, with the history row, OrderPaid
   * (naming the hold inventory commits on hearing it) and the bought
   * products out of the cart, in one statement (`finish`). Only the products
   * bought leave the cart: a line added since checkout began stays. Answers
   * the order so, unless another driver or a cancellation moved it first.
   */
  private async markPaid(
    order: SagaOrder,
    from: 'STOCK_RESERVED' | 'PAYMENT_CAPTURED',
    requestId?: string,
  ): Promise<SagaOrder | undefined> {
    const paid = await this.finish(order, {
      from,
      paymentId: order.paymentId,
      status: 'PAID',
      sagaStep: 'COMPLETED',
      actor: 'system',
      event: {
        type: 'OrderPaid',
        data: {
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
          reservationId: requiredId(order.reservationId, order.id),
        },
        correlationId: requestId ?? null,
      },
      also: (at) => ({
        sql: `DELETE FROM ${tableNameOf(this.db, 'CartItem')} item
                USING ${tableNameOf(this.db, 'Cart')} cart
               WHERE item."cartId" = cart.id AND cart."userId" = ${at(1)}::uuid
                 AND item."productId" = ANY(${at(2)}::uuid[]) AND EXISTS (SELECT 1 FROM moved)`,
        values: [order.userId, order.items.map((item) => item.productId)],
      }),
    });
    if (!paid) return undefined;
    this.outbox.committed();
    const change = { status: 'PAID', sagaStep: 'COMPLETED' } as const;
    return { ...order, ...change, updatedAt: new Date() };
  }

  /**
   * Ends the order's saga from `from` (PAID and COMPLETED, or CANCELLED and
   * COMPENSATED) with its history row, its event and what `also` writes, in
   * one statement of CTEs: no connection is held across round trips (as
   * transactions these were four to seven). Every part is written only if the
   * order was still at `from`: a concurrent move of it changes its sagaStep,
   * so this one then matches nothing. Answers whether it moved the order.
   */
  private async finish(
    order: SagaOrder,
    end: {
      from: SagaStep;
      /** Recorded with the move (a charge's payment, recorded as it makes the order PAID). */
      paymentId?: string | null;
      status: 'PAID' | 'CANCELLED';
      sagaStep: 'COMPLETED' | 'COMPENSATED';
      failureCode?: string;
      actor: string;
      event: FinishingEvent & { correlationId?: string | null };
      /** A further CTE and its values, its parameters numbered by `at(1)`, `at(2)`… */
      also?: (at: (index: number) => string) => { sql: string; values: unknown[] };
    },
  ): Promise<boolean> {
    const table = (name: Prisma.ModelName) => tableNameOf(this.db, name);
    const values: unknown[] = [
      order.id,
      new Date().toISOString(),
      end.from,
      end.status,
      end.sagaStep,
      end.failureCode ?? null,
      randomUUID(),
      end.actor,
      end.paymentId ?? null,
    ];
    const also = end.also?.((index) => `$${values.length + index}`);
    values.push(...(also?.values ?? []));
    const event = this.outbox.insertFrom(
      'moved',
      values.length,
      end.event.type,
      order.id,
      end.event.data,
      {
        // The history as it will stand: this statement's snapshot does not see its own row.
        version: `(SELECT count(*)::int + 1 FROM ${table('OrderStatusHistory')} WHERE "orderId" = $1::uuid)`,
        correlationId: end.event.correlationId,
      },
    );
    const [{ count }] = (await this.db.sql.rows<{ count: number }>(
      statement(
        `WITH moved AS (
         UPDATE ${table('Order')}
            SET status = $4::${enumNameOf(this.db, 'OrderStatus')},
                "sagaStep" = $5::${enumNameOf(this.db, 'SagaStep')},
                "failureCode" = COALESCE($6, "failureCode"), "updatedAt" = ${sqlUtc('$2')},
                "paymentId" = COALESCE($9::uuid, "paymentId")
          WHERE id = $1::uuid AND "sagaStep" = $3::${enumNameOf(this.db, 'SagaStep')}
          RETURNING id
       ), history AS (
         INSERT INTO ${table('OrderStatusHistory')} (id, "orderId", status, actor, reason, at)
         SELECT $7::uuid, id, $4::${enumNameOf(this.db, 'OrderStatus')}, $8, $6, ${sqlUtc('$2')}
           FROM moved
       ), event AS (
         ${event.sql}
       )${also ? `, extra AS (${also.sql})` : ''}
       SELECT count(*)::int AS count FROM moved`,
        [...values, ...event.values],
      ),
    )) as [{ count: number }];
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
      // PAYMENT_DECLINED is payments' word that the payment will never be captured: nothing to give.
      order.failureCode === 'PAYMENT_DECLINED'
        ? null
        : (order.paymentId ??
          // Cancelled before a charge was recorded: one may have been made that the order does not
          // record (its driver died, or is still running, between charging and recording).
          (await this.payments.ofOrder(order.id, requestId))?.id);
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
   * OrderCancelled, in one statement (`finish`); answers the order so,
   * unless another driver moved it first.
   */
  private async cancel(
    order: SagaOrder,
    from: SagaStep,
    failureCode: string,
  ): Promise<SagaOrder | undefined> {
    const cancelled = await this.finish(order, {
      from,
      status: 'CANCELLED',
      sagaStep: 'COMPENSATED',
      failureCode,
      actor: failureCode === CANCELLED_BY_BUYER ? order.userId : 'system',
      event: {
        type: 'OrderCancelled',
        data: {
          orderId: order.id,
          userId: order.userId,
          reason: failureCode,
          number: order.number,
        },
      },
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
   * moved it first. One raw statement, written the way cancel and markPaid
   * write theirs.
   */
  private async step(
    order: SagaOrder,
    from: SagaStep,
    change: Partial<Pick<SagaOrder, 'sagaStep' | 'reservationId' | 'paymentId' | 'failureCode'>>,
  ): Promise<SagaOrder | undefined> {
    const updatedAt = new Date();
    const count = await this.db.sql.execute(
      statement(
        `UPDATE ${tableNameOf(this.db, 'Order')}
          SET "updatedAt" = ${sqlUtc('$3')},
              "sagaStep" = COALESCE($4::${enumNameOf(this.db, 'SagaStep')}, "sagaStep"),
              "reservationId" = COALESCE($5::uuid, "reservationId"),
              "paymentId" = COALESCE($6::uuid, "paymentId"),
              "failureCode" = COALESCE($7, "failureCode")
        WHERE id = $1::uuid AND "sagaStep" = $2::${enumNameOf(this.db, 'SagaStep')}`,
        [
          order.id,
          from,
          updatedAt.toISOString(),
          change.sagaStep ?? null,
          change.reservationId ?? null,
          change.paymentId ?? null,
          change.failureCode ?? null,
        ],
      ),
    );
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
