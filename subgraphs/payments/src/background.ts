import { startOutboxRelay } from '@shop/events';
import type { Stoppable, SubgraphRuntime } from '@shop/federation';
import type { Database } from './db';
import type { PaymentEvents } from './payment/payment-events';

/** Publishes 'payments.events' from the outbox, woken by every commit that recorded one. */
export function startPaymentsBackground(
  db: Database,
  events: PaymentEvents,
  runtime: SubgraphRuntime,
): Stoppable {
  const relay = startOutboxRelay({
    db,
    stream: 'payments.events',
    bus: runtime.bus,
    log: runtime.log.child({ job: 'outbox-relay' }),
  });
  events.attachRelay(relay);
  return {
    async stop() {
      events.attachRelay(undefined);
      await relay.stop();
    },
  };
}
