import { consumeEvents } from '@shop/events';
import { startPeriodicJob, type Stoppable, type SubgraphRuntime } from '@shop/federation';
import type { PaymentsServices } from './context';
import type { Database } from './db';

/** How often expired authorizations are looked for. */
const EXPIRY_INTERVAL_MS = 5_000;

/**
 * What runs beside the server (the relay of payments.events is
 * launchSubgraph's): the settlement of cancelled orders' payments
 * (OrderCancelled), and the voiding of authorizations whose time is up.
 */
export function startPaymentsBackground(
  db: Database,
  services: PaymentsServices,
  runtime: SubgraphRuntime,
): Stoppable {
  const cancelledOrders = consumeEvents<'orders.events'>({
    bus: runtime.bus,
    stream: 'orders.events',
    group: 'payments',
    db,
    handlers: { OrderCancelled: (event, tx) => services.cancelledOrders.settle(tx, event) },
    log: runtime.log.child({ job: 'orders-consumer' }),
  });
  const expiry = startPeriodicJob(
    {
      intervalMs: EXPIRY_INTERVAL_MS,
      run: (log) => services.expiry.voidExpired(log),
      did: 'voided expired authorizations',
      failed: 'voiding expired authorizations failed',
    },
    runtime.log.child({ job: 'authorization-expiry' }),
  );
  return {
    async stop() {
      await expiry.stop();
      await cancelledOrders.stop();
    },
  };
}
