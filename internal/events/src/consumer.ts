import type { Logger } from '@shop/platform';
import type { EventBus, Subscription } from './bus';
import type { DomainEvent, EventTypeOf, Stream } from './catalog';

/** The part of a Prisma transaction client that records handled events. */
export interface ProcessedEventsTransaction {
  processedEvent: {
    createMany(args: {
      data: { id: string; consumer: string }[];
      skipDuplicates: boolean;
    }): Promise<{ count: number }>;
  };
}

export type EventHandlers<S extends Stream, Tx> = {
  [T in EventTypeOf<S>]?: (event: Extract<DomainEvent<S>, { type: T }>, tx: Tx) => Promise<void>;
};

/**
 * Subscribes a subgraph to a stream with handlers per event type. Each event
 * is handled in one transaction together with recording its id, so an event
 * delivered twice (the bus delivers at least once) changes the state once,
 * and a handler that fails leaves no trace and is retried.
 */
export function consumeEvents<S extends Stream, Tx extends ProcessedEventsTransaction>(options: {
  bus: EventBus;
  stream: S;
  /** The consumer group, usually the subgraph's name. */
  group: string;
  prisma: { $transaction<R>(work: (tx: Tx) => Promise<R>): Promise<R> };
  handlers: EventHandlers<S, Tx>;
  log: Logger;
}): Subscription {
  return options.bus.subscribe({
    stream: options.stream,
    group: options.group,
    handler: async (envelope) => {
      const event = envelope as DomainEvent<S>;
      const handle = options.handlers[event.type as EventTypeOf<S>] as
        ((event: DomainEvent<S>, tx: Tx) => Promise<void>) | undefined;
      if (!handle) return;
      await options.prisma.$transaction(async (tx) => {
        const { count } = await tx.processedEvent.createMany({
          data: [{ id: event.id, consumer: options.group }],
          skipDuplicates: true,
        });
        if (count === 0) return;
        await handle(event, tx);
      });
      options.log.debug(
        { eventId: event.id, type: event.type, stream: options.stream },
        'event handled',
      );
    },
  });
}
