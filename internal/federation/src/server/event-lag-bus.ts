import type { EventBus } from '@shop/events';
import type { EventLagMetric } from '@shop/platform';

/**
 * The bus, with every event a consumer of this subgraph has handled
 * observed in the event-lag histogram (by stream and consumer group). The
 * subgraph's consumers subscribe through it, so none of them has to measure.
 */
export function withEventLag(bus: EventBus, lag: EventLagMetric): EventBus {
  return {
    publish: (stream, events) => bus.publish(stream, events),
    subscribe: (options) =>
      bus.subscribe({
        ...options,
        handler: async (events) => {
          await options.handler(events);
          for (const event of events) lag.observe(options.stream, options.group, event.occurredAt);
        },
      }),
    close: () => bus.close(),
  };
}
