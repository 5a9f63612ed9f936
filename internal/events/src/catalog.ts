import type { EventEnvelope } from './envelope';

interface Money {
  amount: number;
  currency: string;
}

/** A product as the products subgraph announces it: enough for other domains' projections. */
export interface ProductSnapshot {
  productId: string;
  name: string;
  slug: string;
  description: string;
  categoryId: string;
  categoryName: string;
  price: Money;
  /**
   * Archived by an ADMIN: no longer listed or searchable. Absent from events
   * written before archiving existed, which were all of products on sale.
   */
  archived?: boolean;
}

export interface ProductEvents {
  ProductCreated: ProductSnapshot;
  ProductPriceChanged: ProductSnapshot & { previousPrice: Money };
  /** Name, description or category edited by an ADMIN. */
  ProductUpdated: ProductSnapshot;
  ProductArchived: ProductSnapshot;
}

export interface InventoryEvents {
  StockChanged: {
    productId: string;
    available: number;
    inStock: boolean;
    lowStockThreshold: number;
  };
  LowStock: { productId: string; available: number; threshold: number };
}

export interface OrderLine {
  productId: string;
  quantity: number;
}

export interface OrderEvents {
  OrderPaid: { orderId: string; userId: string; total: Money; items: OrderLine[] };
  OrderShipped: { orderId: string; userId: string };
  OrderDelivered: { orderId: string; userId: string; items: OrderLine[] };
  OrderCancelled: { orderId: string; userId: string; reason: string };
}

export interface PaymentEvents {
  PaymentCaptured: { paymentId: string; orderId: string; userId: string; amount: Money };
  PaymentDeclined: { paymentId: string; orderId: string; userId: string; code: string };
  /** An authorization given back uncaptured: its order did not go ahead, or it expired. */
  PaymentVoided: { paymentId: string; orderId: string; userId: string; reason: string };
  PaymentRefunded: { paymentId: string; orderId: string; userId: string; amount: Money };
}

/** Every stream (`<domain>.events`) with the events it carries: the one place event types are named. */
export interface EventCatalog {
  'products.events': ProductEvents;
  'inventory.events': InventoryEvents;
  'orders.events': OrderEvents;
  'payments.events': PaymentEvents;
}

export type Stream = keyof EventCatalog;
export type EventTypeOf<S extends Stream> = keyof EventCatalog[S] & string;
export type EventDataOf<S extends Stream, T extends EventTypeOf<S>> = EventCatalog[S][T];

/** Any event of a stream, discriminated by `type`. */
export type DomainEvent<S extends Stream> = {
  [T in EventTypeOf<S>]: EventEnvelope<T, EventDataOf<S, T>>;
}[EventTypeOf<S>];
