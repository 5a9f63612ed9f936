import { ServiceClient, type ServiceIdentity } from '@shop/federation';
import type { OrdersConfig, ServiceUrls } from '../config';

/** How orders calls the subgraphs its checkout saga takes part with. */
export type SiblingClient = ServiceClient<keyof ServiceUrls>;

/** Who the saga calls as: the scopes inventory and payments require of their internal mutations. */
const ORDERS_SERVICE: ServiceIdentity = {
  kind: 'service',
  service: 'orders',
  scopes: ['inventory:reserve', 'payments:charge', 'payments:refund'],
};

export function createSiblingClient(config: OrdersConfig): SiblingClient {
  return new ServiceClient({
    identity: ORDERS_SERVICE,
    identitySecret: config.identitySecret,
    urls: config.services,
  });
}
