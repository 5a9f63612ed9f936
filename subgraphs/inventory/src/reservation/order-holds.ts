import { ServiceClient, type ServiceIdentity } from '@shop/federation';
import type { InventoryConfig, InventoryServiceUrls } from '../config';

/** Who the sweeper calls orders as: the scope orders requires of settleExpiredHold. */
const INVENTORY_SERVICE: ServiceIdentity = {
  kind: 'service',
  service: 'inventory',
  scopes: ['orders:settle-holds'],
};

const SETTLE_EXPIRED_HOLD = `mutation($orderId: ID!) {
  settleExpiredHold(orderId: $orderId) { orderId outcome }
}`;

/** What orders answers for an order whose hold expired: paid (commit it), or never to be (release it). */
export type ExpiredHoldOutcome = 'PAID' | 'CANCELLED';

/**
 * Inventory's one call to orders: a hold past its expiry is settled with its
 * order before its units go back, so a hold whose order was paid (OrderPaid
 * not consumed yet) is never released. Idempotent: orders answers an order
 * it has decided the same way again, so a lost answer is asked again.
 */
export class OrderHolds {
  private readonly client: ServiceClient<keyof InventoryServiceUrls>;

  constructor(config: InventoryConfig) {
    this.client = new ServiceClient({
      identity: INVENTORY_SERVICE,
      identitySecret: config.identitySecret,
      urls: config.services,
    });
  }

  async settleExpired(orderId: string): Promise<ExpiredHoldOutcome> {
    const { settleExpiredHold } = await this.client.mutate<{
      settleExpiredHold: { outcome: ExpiredHoldOutcome };
    }>('orders', SETTLE_EXPIRED_HOLD, { orderId }, { idempotent: true });
    return settleExpiredHold.outcome;
  }

  /** Closes the keep-alive connections to orders. */
  close(): Promise<void> {
    return this.client.close();
  }
}
