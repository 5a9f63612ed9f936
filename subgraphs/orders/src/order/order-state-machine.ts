import type { OrderStatus } from './order-status';

/**
 * The moves an ADMIN may make: fulfilment only. PENDING -> PAID belongs to the
 * checkout saga and CANCELLED to the buyer's cancellation, so neither is here.
 */
const ADMIN_TRANSITIONS: Readonly<Partial<Record<OrderStatus, readonly OrderStatus[]>>> = {
  PAID: ['SHIPPED'],
  SHIPPED: ['DELIVERED'],
};

/** Whether an ADMIN may move an order from `from` to `to`. */
export function mayAdvance(from: OrderStatus, to: OrderStatus): boolean {
  return ADMIN_TRANSITIONS[from]?.includes(to) ?? false;
}
