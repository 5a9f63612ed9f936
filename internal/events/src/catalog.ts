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
    /**
     * Whether inStock differs from the product's previous StockChanged (true
     * for its first): a consumer that keeps only the flag skips the rest.
     * Absent from events written before it was told, which count as changes.
     */
    inStockChanged?: boolean;
  };
  LowStock: { productId: string; available: number; threshold: number };
}

export interface UserEvents {
  /** A new account: where to write to its holder, and in which role. */
  UserRegistered: { userId: string; email: string; name: string; role: 'CUSTOMER' | 'ADMIN' };
  /** A saved address; addresses never change once saved, so a copy of one stays true. */
  AddressAdded: {
    addressId: string;
    userId: string;
    line1: string;
    line2: string | null;
    city: string;
    postalCode: string;
    /** ISO 3166-1 alpha-2. */
    country: string;
  };
}

export interface OrderLine {
  productId: string;
  quantity: number;
}

/** A line as it was bought, for messages that show it. */
export interface PricedOrderLine extends OrderLine {
  productName: string;
  unitPrice: Money;
}

/**
 * `number` (what people call the order, "#1001") and OrderPaid's `lines`
 * are absent from events written before notifications needed them.
 * OrderPaid's `reservationId` (the stock hold inventory commits on hearing
 * it) is absent from events of an orders that committed the hold itself
 * before marking the order PAID.
 */
export interface OrderEvents {
  OrderPaid: {
    orderId: string;
    userId: string;
    total: Money;
    items: OrderLine[];
    number?: number;
    lines?: PricedOrderLine[];
    reservationId?: string;
  };
  OrderShipped: { orderId: string; userId: string; number?: number };
  OrderDelivered: { orderId: string; userId: string; items: OrderLine[]; number?: number };
  OrderCancelled: { orderId: string; userId: string; reason: string; number?: number };
}

/**
 * `number` is the order's number as its buyer knows it (#1001), for the
 * messages; absent from events of payments charged without it.
 */
export interface PaymentEvents {
  PaymentCaptured: {
    paymentId: string;
    orderId: string;
    userId: string;
    amount: Money;
    number?: number;
  };
  PaymentDeclined: {
    paymentId: string;
    orderId: string;
    userId: string;
    code: string;
    number?: number;
  };
  /** An authorization given back uncaptured: its order did not go ahead, or it expired. */
  PaymentVoided: { paymentId: string; orderId: string; userId: string; reason: string };
  PaymentRefunded: {
    paymentId: string;
    orderId: string;
    userId: string;
    amount: Money;
    number?: number;
  };
  /** Authorized, and above the review threshold: captured only once an ADMIN approves. */
  PaymentHeldForReview: {
    paymentId: string;
    orderId: string;
    userId: string;
    amount: Money;
    number?: number;
  };
  /** An ADMIN's decision on a payment held for review: captured (approved) or given back. */
  PaymentReviewed: { paymentId: string; orderId: string; userId: string; approved: boolean };
}

/** Every stream (`<domain>.events`) with the events it carries: the one place event types are named. */
export interface EventCatalog {
  'users.events': UserEvents;
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
