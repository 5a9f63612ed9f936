import { setTimeout as sleep } from 'node:timers/promises';
import { isUuid, MAX_MONEY_AMOUNT, requireUser, type BaseContext } from '@shop/federation';
import {
  BadUserInputError,
  ConflictError,
  DomainError,
  NotFoundError,
  OutOfStockError,
  PaymentDeclinedError,
  type Logger,
} from '@shop/platform';
import { Prisma, type Database, type SagaStep } from '../db';
import type { OrderOutbox } from '../db';
import { orderColumns, toOrder } from '../order/order.mapper';
import type { Order } from '../order/order.type';
import type { CheckoutInput } from './checkout.input';
import { SagaPayments, type PaymentAnswer } from './saga-payments';
import { ServiceUnavailableError, type ServiceClient } from './service-client';

const MAX_KEY_LENGTH = 200;
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
 * over. It is longer than a live step can take (ServiceClient's timeout ×
 * attempts), so two drivers seldom overlap, and when they do every call is
 * idempotent by key and every step's write is conditional on the step read.
 */
export const STALE_SAGA_MS = 10_000;
const POLL_MS = 50;

const UNFINISHED: SagaStep[] = [
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
  items: { select: { productId: true, quantity: true }, orderBy: { productId: 'asc' } },
} as const satisfies Prisma.OrderSelect;

type SagaOrder = Prisma.OrderGetPayload<{ select: typeof sagaColumns }>;

/** Where a run of the saga stopped, and the error of the step that failed on the way, if one did. */
export interface SagaRun {
  order: SagaOrder;
  failure?: Error;
}

interface ShippingAddressRow {
  id: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  country: string;
}

interface ReservationAnswer {
  id: string;
  status: string;
}

/**
 * What one step ended in: go on with the next, stop with an error, or wait (a
 * payment awaiting review). A step whose write moved the saga as it expected
 * knows the order's new state (`order`); one whose write was refused (another
 * driver, or a cancellation, moved it first) leaves it to be read again.
 */
type StepOutcome = { order?: SagaOrder; failure?: Error } | { waiting: true };

const RESERVE_STOCK = `mutation($input: ReserveStockInput!) { reserveStock(input: $input) { id status } }`;
const RELEASE_RESERVATION = `mutation($id: ID!) { releaseReservation(id: $id) { id status } }`;
const COMMIT_RESERVATION = `mutation($id: ID!) { commitReservation(id: $id) { id status } }`;
const RETURN_RESERVATION = `mutation($id: ID!) { returnReservation(id: $id) { id status } }`;
const USER_ADDRESSES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on User { addresses { id line1 line2 city postalCode country } }
  }
}`;

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
export class CheckoutService {
  private readonly payments: SagaPayments;

  constructor(
    private readonly db: Database,
    private readonly outbox: OrderOutbox,
    private readonly client: ServiceClient,
  ) {
    this.payments = new SagaPayments(client);
  }

  async checkout(
    identity: BaseContext['identity'],
    input: CheckoutInput,
    requestId?: string,
  ): Promise<Order> {
    const { userId } = requireUser(identity);
    const idempotencyKey = input.idempotencyKey;
    if (idempotencyKey.length === 0 || idempotencyKey.length > MAX_KEY_LENGTH) {
      throw new BadUserInputError(`idempotencyKey must be 1 to ${MAX_KEY_LENGTH} characters long`, {
        field: 'idempotencyKey',
      });
    }
    const existing = await this.orderIdOfKey(userId, idempotencyKey);
    if (existing) return this.settle(existing, requestId);

    if (!isUuid(input.paymentMethodId)) throw new NotFoundError('Payment method not found');
    const lines = await this.cartLines(userId);
    const currency = lines[0]?.currency;
    if (!currency) throw new BadUserInputError('The cart is empty', { field: 'cart' });
    if (lines.some((line) => line.currency !== currency)) {
      throw new BadUserInputError('The cart mixes currencies', { field: 'cart' });
    }
    const totalAmount = lines.reduce((sum, line) => sum + line.quantity * line.amount, 0);
    // Only a price raised after the lines went into the cart gets here (the cart refuses more).
    if (totalAmount > MAX_MONEY_AMOUNT) {
      throw new BadUserInputError(
        `An order may total at most ${MAX_MONEY_AMOUNT} minor units; lower a quantity in the cart`,
        { field: 'cart', maxAmount: MAX_MONEY_AMOUNT },
      );
    }
    const address = await this.addressOf(userId, input.addressId, requestId);
    const columns = {
      userId,
      status: 'PENDING',
      sagaStep: 'CREATED',
      totalAmount,
      totalCurrency: currency,
      paymentMethodId: input.paymentMethodId,
      shipLine1: address.line1,
      shipLine2: address.line2,
      shipCity: address.city,
      shipPostalCode: address.postalCode,
      shipCountry: address.country,
    } as const;
    let created: SagaOrder;
    try {
      const row = await this.db.prisma.order.create({
        select: { id: true, number: true, createdAt: true, updatedAt: true },
        data: {
          ...columns,
          idempotencyKey,
          addressId: address.id,
          items: {
            create: lines.map((line) => ({
              productId: line.productId,
              productName: line.name,
              quantity: line.quantity,
              unitPriceAmount: line.amount,
              unitPriceCurrency: line.currency,
            })),
          },
          statusHistory: { create: { status: 'PENDING', actor: userId } },
        },
      });
      // What the saga would read back: it starts from here without a read.
      created = {
        ...columns,
        ...row,
        reservationId: null,
        paymentId: null,
        failureCode: null,
        items: lines.map(({ productId, quantity }) => ({ productId, quantity })),
      };
    } catch (error) {
      // The same checkout racing this one created the order first: answer its outcome.
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.orderIdOfKey(userId, idempotencyKey);
      if (!winner) throw error;
      return this.settle(winner, requestId);
    }
    return this.drive(created.id, requestId, created);
  }

  /**
   * Drives every saga whose driver is gone (unfinished, no step for
   * STALE_SAGA_MS) to COMPLETED or COMPENSATED (or on to a review still
   * open); answers how many it took up.
   */
  async recover(log: Logger, batchSize = 50): Promise<number> {
    const stale = await this.db.prisma.order.findMany({
      select: { id: true },
      where: {
        sagaStep: { in: UNFINISHED },
        updatedAt: { lt: new Date(Date.now() - STALE_SAGA_MS) },
      },
      orderBy: { updatedAt: 'asc' },
      take: batchSize,
    });
    for (const { id } of stale) {
      try {
        await this.run(id);
      } catch (error) {
        log.warn({ err: error, orderId: id }, 'checkout saga recovery failed; retried later');
      }
    }
    return stale.length;
  }

  /**
   * The outcome of an order another request created: its result once its
   * saga has finished; if the saga went stale meanwhile, this request drives it.
   */
  private async settle(orderId: string, requestId?: string): Promise<Order> {
    for (;;) {
      const order = await this.sagaState(orderId);
      if (order.sagaStep === 'COMPLETED' || order.sagaStep === 'COMPENSATED') {
        return this.drive(orderId, requestId);
      }
      if (Date.now() - order.updatedAt.getTime() >= STALE_SAGA_MS) {
        return this.drive(orderId, requestId);
      }
      await sleep(POLL_MS);
    }
  }

  /**
   * The checkout's answer: the order once its saga has run, or the error it
   * failed with. An order its buyer cancelled meanwhile is answered as it is.
   */
  private async drive(orderId: string, requestId?: string, known?: SagaOrder): Promise<Order> {
    let run: SagaRun;
    try {
      run = await this.run(orderId, requestId, known);
    } catch (error) {
      // A sibling did not answer in time: whether that step happened is unknown
      // until it is asked again (same key), which the recovery job will do. The
      // order is answered as it stands, PENDING, rather than as an error the
      // saga may yet contradict; the Order query, or this checkout repeated,
      // tells the outcome.
      if (!(error instanceof ServiceUnavailableError)) throw error;
      return toOrder(await this.sagaState(orderId));
    }
    const { order, failure } = run;
    if (order.sagaStep === 'COMPENSATED' && order.failureCode !== CANCELLED_BY_BUYER) {
      throw failure ?? failureOf(order);
    }
    return toOrder(order);
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
    let order = known ?? (await this.sagaState(orderId));
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
      order = outcome.order ?? (await this.sagaState(orderId));
    }
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
      ({ reserveStock: reservation } = await this.client.call<{
        reserveStock: ReservationAnswer;
      }>(
        'inventory',
        RESERVE_STOCK,
        {
          input: {
            orderId: order.id,
            idempotencyKey: `order:${order.id}:reserve`,
            lines: order.items,
            ttlSeconds: RESERVATION_TTL_SECONDS,
          },
        },
        requestId,
      ));
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
      await this.releaseUnrecorded(reservation.id, requestId);
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
      await this.client.call(
        'inventory',
        COMMIT_RESERVATION,
        { id: requiredId(order.reservationId, order.id) },
        requestId,
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // The hold expired before the capture was committed: refund and cancel.
      return {
        failure: new ConflictError('The stock held for this order expired'),
        order: await this.failAt(order, 'PAYMENT_CAPTURED', 'RESERVATION_EXPIRED'),
      };
    }
    const paid = await this.db.prisma.$transaction(async (tx) => {
      const { count } = await tx.order.updateMany({
        where: { id: order.id, sagaStep: 'PAYMENT_CAPTURED' },
        data: { status: 'PAID', sagaStep: 'COMPLETED' },
      });
      if (count === 0) return false;
      await tx.orderStatusHistory.create({
        data: { orderId: order.id, status: 'PAID', actor: 'system' },
      });
      await this.outbox.record(
        tx,
        'OrderPaid',
        order.id,
        {
          orderId: order.id,
          userId: order.userId,
          total: { amount: order.totalAmount, currency: order.totalCurrency },
          items: order.items,
          number: order.number,
          lines: await pricedLinesOf(tx, order.id),
        },
        { version: await this.versionOf(tx, order.id), correlationId: requestId ?? null },
      );
      // Only the products bought leave the cart: a line added since checkout began stays.
      await tx.cartItem.deleteMany({
        where: {
          cart: { userId: order.userId },
          productId: { in: order.items.map((item) => item.productId) },
        },
      });
      return true;
    });
    if (!paid) return {};
    this.outbox.committed();
    return { order: { ...order, status: 'PAID', sagaStep: 'COMPLETED', updatedAt: new Date() } };
  }

  /**
   * Gives the stock back (released while held; returned once a PAID order
   * committed it), then the payment (an authorization voided, a capture
   * refunded), and cancels the order.
   */
  private async compensate(order: SagaOrder, requestId?: string): Promise<StepOutcome> {
    if (order.reservationId) {
      await this.client.call(
        'inventory',
        order.status === 'PAID' ? RETURN_RESERVATION : RELEASE_RESERVATION,
        { id: order.reservationId },
        requestId,
      );
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
   * Gives back a hold this driver got after the saga stopped needing it. A
   * CONFLICT means another driver took the hold further meanwhile (the order
   * went on to PAID before it was cancelled), and the compensation returns it.
   */
  private async releaseUnrecorded(reservationId: string, requestId?: string): Promise<void> {
    try {
      await this.client.call('inventory', RELEASE_RESERVATION, { id: reservationId }, requestId);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
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
    const order = await this.sagaState(id);
    return order.sagaStep === 'COMPENSATING' || order.sagaStep === 'COMPENSATED' ? order : null;
  }

  // The history only grows and an order's writes are serialized by its row lock.
  private versionOf(tx: Prisma.TransactionClient, orderId: string): Promise<number> {
    return tx.orderStatusHistory.count({ where: { orderId } });
  }

  private sagaState(id: string): Promise<SagaOrder> {
    return this.db.prisma.order.findUniqueOrThrow({ select: sagaColumns, where: { id } });
  }

  private async orderIdOfKey(userId: string, idempotencyKey: string): Promise<string | null> {
    const order = await this.db.prisma.order.findUnique({
      select: { id: true },
      where: { userId_idempotencyKey: { userId, idempotencyKey } },
    });
    return order?.id ?? null;
  }

  /** The cart's lines at the prices of the projection, snapshotted into the order. */
  private async cartLines(userId: string) {
    const items = await this.db.prisma.cartItem.findMany({
      select: { productId: true, quantity: true },
      where: { cart: { userId } },
      orderBy: { productId: 'asc' },
    });
    const prices = await this.db.prisma.productPrice.findMany({
      where: { productId: { in: items.map((item) => item.productId) } },
    });
    const priceOf = new Map(prices.map((price) => [price.productId, price]));
    return items.map((item) => {
      const price = priceOf.get(item.productId);
      if (!price) throw new Error(`No price for product ${item.productId} in the cart`);
      return { ...item, name: price.name, amount: price.amount, currency: price.currency };
    });
  }

  /**
   * One of the buyer's addresses, read from the users subgraph as a service
   * (its privacy rule shows addresses to services): orders keeps no address
   * book, only the copy in each order.
   */
  private async addressOf(
    userId: string,
    addressId: string,
    requestId?: string,
  ): Promise<ShippingAddressRow> {
    const notFound = new NotFoundError('Address not found');
    if (!isUuid(addressId)) throw notFound;
    const { _entities } = await this.client.call<{
      _entities: ({ addresses?: ShippingAddressRow[] | null } | null)[];
    }>(
      'users',
      USER_ADDRESSES,
      { representations: [{ __typename: 'User', id: userId }] },
      requestId,
    );
    const address = _entities[0]?.addresses?.find((candidate) => candidate.id === addressId);
    if (!address) throw notFound;
    return address;
  }
}

/** The error a finished, failed checkout answers when asked again. */
function failureOf(order: SagaOrder): Error {
  const details = { orderId: order.id };
  switch (order.failureCode) {
    case 'OUT_OF_STOCK':
      return new OutOfStockError('Not enough stock for this order', details);
    case 'PAYMENT_DECLINED':
      return new PaymentDeclinedError('The payment was declined', details);
    default:
      return new ConflictError(`This checkout failed (${order.failureCode ?? 'unknown'})`, {
        ...details,
        failureCode: order.failureCode,
      });
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

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/** The order's lines as bought, for the messages that show them (OrderPaid's `lines`). */
async function pricedLinesOf(tx: Prisma.TransactionClient, orderId: string) {
  const rows = await tx.orderItem.findMany({
    select: {
      productId: true,
      productName: true,
      quantity: true,
      unitPriceAmount: true,
      unitPriceCurrency: true,
    },
    where: { orderId },
    orderBy: { productId: 'asc' },
  });
  return rows.map(({ unitPriceAmount, unitPriceCurrency, ...line }) => ({
    ...line,
    unitPrice: { amount: unitPriceAmount, currency: unitPriceCurrency },
  }));
}
