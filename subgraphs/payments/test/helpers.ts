import { randomUUID } from 'node:crypto';
import { createEventBus, type DomainEvent } from '@shop/events';
import { createLogger, type Logger } from '@shop/platform';
import { testEventsSettings, testSubgraphSettings } from '@shop/testing';
import { startPaymentsSubgraph, type PaymentsConfig } from '@shop/payments';

export type PaymentEvent = DomainEvent<'payments.events'>;

/**
 * The payments subgraph on a test database with an event bus of its own (on
 * the test events database), and every event it publishes from then on, in
 * order (as a consumer group of its own).
 */
export async function startWatchedPayments(
  databaseUrl: string,
  options: { fraud: PaymentsConfig['fraud']; seed?: boolean; log?: Logger },
) {
  const transport = await testEventsSettings();
  const bus = createEventBus(transport, createLogger('payments-test-bus', 'silent'));
  const subgraph = await startPaymentsSubgraph(
    { ...testSubgraphSettings(databaseUrl), ...transport, poolSize: 10, fraud: options.fraud },
    { bus, seed: options.seed, log: options.log },
  );
  const events: PaymentEvent[] = [];
  const subscription = bus.subscribe({
    stream: 'payments.events',
    group: `payments-test-${randomUUID()}`,
    handler: async (batch) => {
      events.push(...(batch as PaymentEvent[]));
    },
  });
  return {
    subgraph,
    events,
    /** The bus the subgraph consumes from: what other subgraphs would publish goes here. */
    bus,
    async stop() {
      await subscription.stop();
      await subgraph.stop();
      await bus.close();
    },
  };
}
