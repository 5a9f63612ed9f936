import type { Logger } from '@shop/platform';
import type { EventBus, Subscription } from './bus';
import type { DomainEvent, EventTypeOf, Stream } from './catalog';
import type { LivePubSub } from './live-pubsub';

/** Per event type, how it is published on the live pub/sub. */
export type LiveRoutes<S extends Stream> = {
  [T in EventTypeOf<S>]?: (
    event: Extract<DomainEvent<S>, { type: T }>,
    pubSub: LivePubSub,
  ) => Promise<void>;
};

/**
 * Republishes a stream's events on the live pub/sub. The consumer group
 * (one per subgraph, e.g. `inventory-live`) hands each event to one instance;
 * the pub/sub carries it to the subscribers of every instance. A new group
 * starts at the newest event: what happened before the feed existed is
 * history, not news. The bus delivers at least once, so a subscriber may
 * see an event twice; it reads the state fresh either time.
 */
export function feedLive<S extends Stream>(options: {
  bus: EventBus;
  stream: S;
  group: string;
  pubSub: LivePubSub;
  routes: LiveRoutes<S>;
  log: Logger;
}): Subscription {
  return options.bus.subscribe({
    stream: options.stream,
    group: options.group,
    startAt: 'newest',
    types: Object.keys(options.routes),
    // A batch's events are published together (the PostgreSQL pub/sub sends what is published
    // at once in one statement), in their order.
    handler: async (envelopes) => {
      await Promise.all(
        (envelopes as DomainEvent<S>[]).map(async (event) => {
          const route = options.routes[event.type as EventTypeOf<S>] as
            ((event: DomainEvent<S>, pubSub: LivePubSub) => Promise<void>) | undefined;
          if (!route) return;
          await route(event, options.pubSub);
          options.log.debug({ eventId: event.id, type: event.type }, 'event published live');
        }),
      );
    },
  });
}
