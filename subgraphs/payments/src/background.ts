import { consumeEvents } from '@shop/events';
import type { Stoppable, SubgraphRuntime } from '@shop/federation';
import type { Logger } from '@shop/platform';
import type { PaymentsServices } from './context';
import type { Database, Prisma } from './db';

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
  const cancelledOrders = consumeEvents<'orders.events', Prisma.TransactionClient>({
    bus: runtime.bus,
    stream: 'orders.events',
    group: 'payments',
    db,
    handlers: { OrderCancelled: (event, tx) => services.cancelledOrders.settle(tx, event) },
    log: runtime.log.child({ job: 'orders-consumer' }),
  });
  const expiry = startAuthorizationExpiry(
    services,
    runtime.log.child({ job: 'authorization-expiry' }),
  );
  return {
    async stop() {
      await expiry.stop();
      await cancelledOrders.stop();
    },
  };
}

/** Runs the expiry now and then every EXPIRY_INTERVAL_MS, one run at a time. */
function startAuthorizationExpiry(services: PaymentsServices, log: Logger): Stoppable {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = running
      .then(() => services.expiry.voidExpired(log))
      .then(
        (count) => {
          if (count > 0) log.info({ count }, 'voided expired authorizations');
        },
        (error: unknown) => log.warn({ err: error }, 'voiding expired authorizations failed'),
      );
  };
  run();
  const timer = setInterval(run, EXPIRY_INTERVAL_MS);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
