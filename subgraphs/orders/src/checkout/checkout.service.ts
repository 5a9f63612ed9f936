import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BaseContext,
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
import { Prisma, tableOf, timestampOf, type Database } from '../db';
import { toOrder, toOrderItem } from '../order/order.mapper';
import type { OrderItem } from '../order/order-item.type';
import type { Order } from '../order/order.type';
import type { PaymentStub } from '../payment/payment.stub';
import type { BuyerAddresses, ShippingAddress } from './buyer-addresses';
import type { CheckoutInput } from './checkout.input';
import {
  CANCELLED_BY_BUYER,
  STALE_SAGA_MS,
  type CheckoutSaga,
  type SagaOrder,
  type SagaRun,
} from './checkout-saga';

const POLL_MS = 50;

/** A cart line at the projection's price, as checkout snapshots it into the order. */
interface CartLine {
  productId: string;
  quantity: number;
  name: string;
  amount: number;
  currency: string;
  archived: boolean;
}

/**
 * The checkout's answer: the order, and its lines when this request wrote
 * them (their names are today's, as the answer shows them), so the answer
 * reads none of them back.
 */
export interface CheckoutAnswer {
  order: Order;
  items?: OrderItem[];
}

/** What the order copies at checkout beside its lines. */
interface OrderColumns {
  totalAmount: number;
  totalCurrency: string;
  paymentMethodId: string;
  shipLine1: string;
  shipLine2: string | null;
  shipCity: string;
  shipPostalCode: string;
  shipCountry: string;
}

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
  ): Promise<CheckoutAnswer> {
    const { userId } = requireUser(identity);
    const idempotencyKey = idempotencyKeyOf(input.idempotencyKey);
    const {
      existingOrderId,
      lines,
      address: copied,
    } = await this.cartOrOrder(userId, idempotencyKey, input.addressId);
    if (existingOrderId) return this.settle(existingOrderId, requestId);

    if (!isUuid(input.paymentMethodId)) throw new NotFoundError('Payment method not found');
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
    const address = copied ?? (await this.addresses.addressOf(userId, input.addressId, requestId));
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
    const placed = await this.placeOrder(userId, idempotencyKey, address.id, columns, lines);
    if (!placed) {
      // The same checkout racing this one created the order first: answer its outcome.
      const { existingOrderId: winner } = await this.cartOrOrder(userId, idempotencyKey, null);
      if (!winner)
        throw new Error(`No order for the checkout key that conflicted (user ${userId})`);
      return this.settle(winner, requestId);
    }
    // What the saga would read back: it starts from here without a read.
    const created: SagaOrder = {
      ...columns,
      ...placed,
      reservationId: null,
      paymentId: null,
      failureCode: null,
      items: lines.map((line, index) => ({
        id: placed.itemIds[index]!,
        productId: line.productId,
        quantity: line.quantity,
        productName: line.name,
        unitPriceAmount: line.amount,
        unitPriceCurrency: line.currency,
      })),
    };
    return this.drive(created.id, requestId, created);
  }

  /**
   * The outcome of an order another request created: its result once its
   * saga has finished; if the saga went stale meanwhile, this request drives it.
   */
  private async settle(orderId: string, requestId?: string): Promise<CheckoutAnswer> {
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
  private async drive(
    orderId: string,
    requestId?: string,
    known?: SagaOrder,
  ): Promise<CheckoutAnswer> {
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
      return { order: toOrder(await this.saga.state(orderId)) };
    }
    const { order, failure, payment } = run;
    if (order.sagaStep === 'COMPENSATED' && order.failureCode !== CANCELLED_BY_BUYER) {
      throw failure ?? failureOf(order);
    }
    return {
      order: { ...toOrder(order), payment },
      // Written by this request (`known`), with the names the cart had just read.
      ...(known ? { items: itemsOf(order) } : {}),
    };
  }

  /**
   * The payment a checkout's answer provides (Order.payment): the charge's
   * answer when this checkout's saga run just had it, else payments' answer
   * now (a checkout repeated after its saga finished, an order cancelled
   * meanwhile, a sibling that did not answer in time), never a guess.
   */
  paymentOf(order: Order, requestId?: string): Promise<PaymentStub | null> {
    return order.payment !== undefined
      ? Promise.resolve(order.payment)
      : this.saga.payment(order.id, requestId);
  }

  /**
   * The order PENDING with its lines and first history row, in one statement
   * (a nested Prisma create took a transaction of five round trips). Nothing
   * is written, and null answered, when the buyer's key already has an order.
   */
  private async placeOrder(
    userId: string,
    idempotencyKey: string,
    addressId: string,
    columns: OrderColumns,
    lines: CartLine[],
  ): Promise<{
    id: string;
    number: number;
    createdAt: Date;
    updatedAt: Date;
    itemIds: string[];
  } | null> {
    const id = randomUUID();
    const itemIds = lines.map(() => randomUUID());
    const now = new Date();
    const at = timestampOf(now);
    const [row] = await this.db.sql.rows<{ number: number }>(Prisma.sql`
      WITH created AS (
        INSERT INTO ${tableOf(this.db, 'Order')} AS o (
          id, "userId", status, "sagaStep", "totalAmount", "totalCurrency", "idempotencyKey",
          "addressId", "paymentMethodId", "shipLine1", "shipLine2", "shipCity", "shipPostalCode",
          "shipCountry", "createdAt", "updatedAt")
        VALUES (${id}::uuid, ${userId}::uuid, 'PENDING', 'CREATED', ${columns.totalAmount},
          ${columns.totalCurrency}, ${idempotencyKey}, ${addressId}::uuid,
          ${columns.paymentMethodId}::uuid, ${columns.shipLine1}, ${columns.shipLine2},
          ${columns.shipCity}, ${columns.shipPostalCode}, ${columns.shipCountry}, ${at}, ${at})
        ON CONFLICT ("userId", "idempotencyKey") DO NOTHING
        RETURNING id, number, status
      ), items AS (
        INSERT INTO ${tableOf(this.db, 'OrderItem')} (
          id, "orderId", "productId", "productName", quantity, "unitPriceAmount", "unitPriceCurrency")
        SELECT line.id, created.id, line."productId", line.name, line.quantity,
               line.amount, line.currency
          FROM created,
               unnest(${itemIds}::uuid[],
                      ${lines.map((line) => line.productId)}::uuid[],
                      ${lines.map((line) => line.name)}::text[],
                      ${lines.map((line) => line.quantity)}::int[],
                      ${lines.map((line) => line.amount)}::int[],
                      ${lines.map((line) => line.currency)}::text[])
                 AS line(id, "productId", name, quantity, amount, currency)
      ), history AS (
        INSERT INTO ${tableOf(this.db, 'OrderStatusHistory')} (id, "orderId", status, actor, at)
        SELECT gen_random_uuid(), created.id, created.status, ${userId}, ${at} FROM created
      )
      SELECT number FROM created`);
    return row ? { id, number: row.number, createdAt: now, updatedAt: now, itemIds } : null;
  }

  /**
   * The order the buyer's key already made, or else the cart's lines at the
   * prices of the projection, to snapshot into the order, and the buyer's
   * address `addressId` from orders' copy (none when the copy lacks it, or
   * it is another user's): one statement for what were two reads and a call
   * to users on every checkout (the key's order is rarely there).
   */
  private async cartOrOrder(
    userId: string,
    idempotencyKey: string,
    addressId: string | null,
  ): Promise<{
    existingOrderId: string | null;
    lines: CartLine[];
    address: ShippingAddress | null;
  }> {
    const rows = await this.db.sql.rows<
      {
        orderId: string | null;
        productId: string | null;
        name: string | null;
        address: ShippingAddress | null;
      } & Omit<CartLine, 'productId' | 'name'>
    >(Prisma.sql`
      SELECT o.id::text AS "orderId", i."productId"::text AS "productId", i.quantity, p.name,
             p.amount, p.currency, p.archived,
             (SELECT json_build_object('id', a.id, 'line1', a.line1, 'line2', a.line2,
                                       'city', a.city, 'postalCode', a."postalCode",
                                       'country', a.country)
                FROM ${tableOf(this.db, 'BuyerAddress')} a
               WHERE a.id = ${addressId !== null && isUuid(addressId) ? addressId : null}::uuid
                 AND a."userId" = ${userId}::uuid) AS address
        FROM (SELECT 1) AS one
        LEFT JOIN ${tableOf(this.db, 'Order')} o
               ON o."userId" = ${userId}::uuid AND o."idempotencyKey" = ${idempotencyKey}
        LEFT JOIN (${tableOf(this.db, 'CartItem')} i
                   JOIN ${tableOf(this.db, 'Cart')} c
                     ON c.id = i."cartId" AND c."userId" = ${userId}::uuid
                   LEFT JOIN ${tableOf(this.db, 'ProductPrice')} p
                     ON p."productId" = i."productId")
               ON o.id IS NULL
       ORDER BY i."productId"`);
    const existingOrderId = rows[0]?.orderId ?? null;
    if (existingOrderId) return { existingOrderId, lines: [], address: null };
    const lines = rows.flatMap(({ productId, name, quantity, amount, currency, archived }) => {
      if (productId === null) return []; // the row of an empty cart
      if (name === null) throw new Error(`No price for product ${productId} in the cart`);
      return [{ productId, name, quantity, amount, currency, archived }];
    });
    return { existingOrderId: null, lines, address: rows[0]?.address ?? null };
  }
}

/** The error a finished, failed checkout answers when asked again. */
/**
 * The order's lines as OrderService.itemsOf answers them, in its order (by
 * name, byte by byte as its COLLATE "C", then id), with their names as of
 * checkout.
 */
function itemsOf(order: SagaOrder): OrderItem[] {
  return order.items
    .map((item) => toOrderItem({ ...item, orderId: order.id, currentName: item.productName }))
    .sort(
      (a, b) =>
        Buffer.compare(Buffer.from(a.productName), Buffer.from(b.productName)) ||
        Buffer.compare(Buffer.from(a.id), Buffer.from(b.id)),
    );
}

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
