import { consumeEvents } from '@shop/events';
import type { Stoppable, SubgraphRuntime } from '@shop/federation';
import type { NotificationsServices } from '../context';
import type { Database } from '../db';

/** The consumer group of the notifications subgraph on every stream it reads. */
const NOTIFICATIONS_CONSUMER_GROUP = 'notifications';

/**
 * Why an order was cancelled that its buyer already heard of: a declined
 * payment has its own message (PaymentDeclined), so its cancellation sends none.
 */
const ANNOUNCED_ELSEWHERE = new Set(['PAYMENT_DECLINED']);

/**
 * Feeds notifications from the domain events, and from nothing else: the
 * recipients' addresses from users.events, products' names from
 * products.events, the messages from orders, payments and inventory. Each event is handled once (processed-event ids)
 * in one transaction with the notifications it makes; the dispatcher is
 * woken when that commits.
 */
export function startTriggers(
  db: Database,
  { recipients, productNames, triggers, dispatcher }: NotificationsServices,
  { bus, log }: SubgraphRuntime,
): Stoppable {
  const common = {
    bus,
    group: NOTIFICATIONS_CONSUMER_GROUP,
    db,
    log,
    committed: () => dispatcher.wake(),
  } as const;
  const subscriptions = [
    consumeEvents({
      ...common,
      stream: 'users.events',
      handlers: { UserRegistered: (event, tx) => recipients.apply(tx, event.data) },
    }),
    consumeEvents({
      ...common,
      stream: 'products.events',
      handlers: {
        ProductCreated: (event, tx) => productNames.apply(tx, event),
        ProductUpdated: (event, tx) => productNames.apply(tx, event),
        ProductPriceChanged: (event, tx) => productNames.apply(tx, event),
        ProductArchived: (event, tx) => productNames.apply(tx, event),
      },
    }),
    consumeEvents({
      ...common,
      stream: 'orders.events',
      handlers: {
        OrderPaid: ({ data, ...cause }, tx) =>
          triggers.notify(tx, cause, [data.userId], {
            kind: 'ORDER_CONFIRMED',
            orderId: data.orderId,
            number: data.number,
            total: data.total,
            lines: data.lines,
          }),
        OrderShipped: ({ data, ...cause }, tx) =>
          triggers.notify(tx, cause, [data.userId], {
            kind: 'ORDER_SHIPPED',
            orderId: data.orderId,
            number: data.number,
          }),
        OrderDelivered: ({ data, ...cause }, tx) =>
          triggers.notify(tx, cause, [data.userId], {
            kind: 'ORDER_DELIVERED',
            orderId: data.orderId,
            number: data.number,
          }),
        OrderCancelled: async ({ data, ...cause }, tx) => {
          if (ANNOUNCED_ELSEWHERE.has(data.reason)) return;
          await triggers.notify(tx, cause, [data.userId], {
            kind: 'ORDER_CANCELLED',
            orderId: data.orderId,
            number: data.number,
            reason: data.reason,
          });
        },
      },
    }),
    consumeEvents({
      ...common,
      stream: 'payments.events',
      handlers: {
        PaymentDeclined: ({ data, ...cause }, tx) =>
          triggers.notify(tx, cause, [data.userId], {
            kind: 'PAYMENT_DECLINED',
            orderId: data.orderId,
            number: data.number,
            code: data.code,
          }),
        PaymentRefunded: ({ data, ...cause }, tx) =>
          triggers.notify(tx, cause, [data.userId], {
            kind: 'ORDER_REFUNDED',
            orderId: data.orderId,
            number: data.number,
            amount: data.amount,
          }),
        PaymentHeldForReview: ({ data, ...cause }, tx) =>
          triggers.notify(tx, cause, [data.userId], {
            kind: 'PAYMENT_UNDER_REVIEW',
            orderId: data.orderId,
            number: data.number,
            amount: data.amount,
          }),
      },
    }),
    consumeEvents({
      ...common,
      stream: 'inventory.events',
      handlers: {
        LowStock: async ({ data, ...cause }, tx) =>
          triggers.notify(tx, cause, await recipients.adminIds(tx), {
            kind: 'LOW_STOCK',
            productId: data.productId,
            productName: await productNames.nameOf(tx, data.productId),
            available: data.available,
            threshold: data.threshold,
          }),
      },
    }),
  ];
  return {
    async stop() {
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    },
  };
}
