/** How every domain event travels, whatever the transport. */
export interface EventEnvelope<Type extends string = string, Data = unknown> {
  /** Unique per event; consumers use it to handle each event once. */
  id: string;
  type: Type;
  /** The entity the event is about (a product id, an order id, ...). */
  aggregateId: string;
  /** The aggregate's version after the change, so consumers can drop stale events. */
  version: number;
  /** ISO 8601. */
  occurredAt: string;
  data: Data;
  /** Ties the events of one request or saga together. */
  correlationId: string | null;
}
