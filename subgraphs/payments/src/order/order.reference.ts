import type { OrderStub } from './order.stub';

/**
 * The orders subgraph decides whether an order exists; this one only needs
 * the id to find the order's payment, so there is nothing to load.
 */
export function resolveOrderReference(reference: { id: string }): OrderStub {
  return { id: reference.id };
}
