import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BaseContext,
  isUniqueViolation,
  isUuid,
  MAX_MONEY_AMOUNT,
  requireUser,
  ServiceUnavailableError,
  idempotencyKeyOf,
} from '@shop/federation';
import {
  BadUserInputError,
  ConflictError,
  NotFoundError,
  OutOfStockError,
  PaymentDeclinedError,
} from '@shop/platform';
import { noLongerSold } from '../cart/cart.service';
import type { Database } from '../db';
import { toOrder } from '../order/order.mapper';
import type { Order } from '../order/order.type';
import type { BuyerAddresses } from './buyer-addresses';
import type { CheckoutInput } from './checkout.input';
import {
  CANCELLED_BY_BUYER,
  STALE_SAGA_MS,
  type CheckoutSaga,
  type SagaOrder,
  type SagaRun,
} from './checkout-saga';

const POLL_MS = 50;

/**
 * The checkout mutation: turns the buyer's cart into an order, once per
 * idempotency key, and runs its saga (CheckoutSaga). A checkout repeated, or
 * racing the first with the same key, answers that order's outcome.
 */
export class CheckoutService {
  constructor(
    private readonly db: Database,
    private readonly saga: CheckoutSaga,
    private readonly addresses: BuyerAddresses,
  ) {}

  async checkout(
    identity: BaseContext['identity'],
    input: CheckoutInput,
    requestId?: string,
  ): Promise<Order> {
    const { userId } = requireUser(identity);
    const idempotencyKey = idempotencyKeyOf(input.idempotencyKey);
    const existing = await this.orderIdOfKey(userId, idempotencyKey);
    if (existing) return this.settle(existing, requestId);

    if (!isUuid(input.paymentMethodId)) throw new NotFoundError('Payment method not found');
    const lines = await this.cartLines(userId);
    const currency = lines[0]?.currency;
    if (!currency) throw new BadUserInputError('The cart is empty', { field: 'cart' });
    const offSale = lines.find((line) => line.archived);
    if (offSale) throw noLongerSold(offSale.name, 'take it out of the cart to check out');
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
    const address = await this.addresses.addressOf(userId, input.addressId, requestId);
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
        items: lines.map((line) => ({
          productId: line.productId,
          quantity: line.quantity,
          productName: line.name,
          unitPriceAmount: line.amount,
          unitPriceCurrency: line.currency,
        })),
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
   * The outcome of an order another request created: its result once its
   * saga has finished; if the saga went stale meanwhile, this request drives it.
   */
  private async settle(orderId: string, requestId?: string): Promise<Order> {
    for (;;) {
      const order = await this.saga.state(orderId);
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
      run = await this.saga.run(orderId, requestId, known);
    } catch (error) {
      // A sibling did not answer in time: whether that step happened is unknown
      // until it is asked again (same key), which the recovery job will do. The
      // order is answered as it stands, PENDING, rather than as an error the
      // saga may yet contradict; the Order query, or this checkout repeated,
      // tells the outcome.
      if (!(error instanceof ServiceUnavailableError)) throw error;
      return toOrder(await this.saga.state(orderId));
    }
    const { order, failure } = run;
    if (order.sagaStep === 'COMPENSATED' && order.failureCode !== CANCELLED_BY_BUYER) {
      throw failure ?? failureOf(order);
    }
    return toOrder(order);
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
      const { name, amount, currency, archived } = price;
      return { ...item, name, amount, currency, archived };
    });
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
