import type { DomainEvent, EventTypeOf, Stream } from './catalog';

type EventOf<S extends Stream, T extends EventTypeOf<S>> = Extract<DomainEvent<S>, { type: T }>;

/**
 * Every live feed with what its messages carry: the domain event that moved
 * it (or, for `entityChanged`, just which entity). Subscriptions take the
 * event as the news that something changed and read the state itself fresh
 * when they answer.
 */
export interface LiveFeeds {
  /** Every move of one order's status. */
  orderStatusChanged: EventOf<
    'orders.events',
    'OrderPaid' | 'OrderShipped' | 'OrderDelivered' | 'OrderCancelled'
  >;
  /** Every change of one product's availability. */
  inventoryChanged: EventOf<'inventory.events', 'StockChanged'>;
  /** Every change that leaves a product at or below its low-stock threshold, of any product. */
  lowStockAlert: EventOf<'inventory.events', 'LowStock'>;
  /** Every new price of one product. */
  priceChanged: EventOf<'products.events', 'ProductPriceChanged'>;
  /** A new notification of one user, delivered to the in-app channel. */
  notificationReceived: { notificationId: string; userId: string };
  /** Public data of any entity changed: caches of it (the router's) drop it. */
  entityChanged: EntityChange;
}

/** An entity by its federation type name and id, e.g. `{ typename: 'Product', id }`. */
export interface EntityChange {
  typename: string;
  id: string;
}

export type LiveFeed = keyof LiveFeeds;
export type LivePayload<F extends LiveFeed> = LiveFeeds[F];

declare const feed: unique symbol;

/** A topic of the feed F: publishing on it takes, and subscribing yields, F's payload. */
export type LiveTopic<F extends LiveFeed> = string & { readonly [feed]: F };

const topic = <F extends LiveFeed>(name: F, key?: string) =>
  (key === undefined ? name : `${name}:${key}`) as LiveTopic<F>;

/** The topics, one place: a feed per entity is keyed by its id. */
export const liveTopics = {
  orderStatusChanged: (orderId: string) => topic('orderStatusChanged', orderId),
  inventoryChanged: (productId: string) => topic('inventoryChanged', productId),
  lowStockAlert: () => topic('lowStockAlert'),
  priceChanged: (productId: string) => topic('priceChanged', productId),
  notificationReceived: (userId: string) => topic('notificationReceived', userId),
  // One topic for every entity: its listeners (caches) want every change.
  entityChanged: () => topic('entityChanged'),
};
