import type { OrderReference } from './order.stub';

/**
 * The orders subgraph decides whether an order exists; this one only needs
 * the id to find the order's payment, so there is nothing to load.
 */
export const orderReference = {
  __resolveReference(reference: { id: string }): OrderReference {
    return { id: reference.id };
  },
};
