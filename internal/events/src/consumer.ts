import type { Logger } from '@shop/platform';
import type { EventBus, Subscription } from './bus';
import type { DomainEvent, EventTypeOf, Stream } from './catalog';

/** The part of a Prisma transaction client that records handled events. */
export interface ProcessedEventsTransaction {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export type EventHandlers<S extends Stream, Tx> = {
  [T in EventTypeOf<S>]?: (event: Extract<DomainEvent<S>, { type: T }>, tx: Tx) => Promise<void>;
};

/**
 * Subscribes a subgraph to a stream with handlers per event type. The events
 * of one delivery are handled in one transaction together with recording
 * their ids, so an event delivered twice (the bus delivers at least once)
 * changes the state once, and a batch that fails leaves no trace. A failed
 * batch is then handled one event per transaction: the others commit, and
 * only the failing event is left for the bus to deliver again.
 */
export function consumeEvents<S extends Stream, Tx extends ProcessedEventsTransaction>(options: {
  bus: EventBus;
  stream: S;
  /** The consumer group, usually the subgraph's name. */
  group: string;
  /** The subgraph's database, whose ProcessedEvent table records what was handled. */
  db: { prisma: { $transaction<R>(work: (tx: Tx) => Promise<R>): Promise<R> }; schema: string };
  handlers: EventHandlers<S, Tx>;
  /**
   * Whether an event of a handled type can change anything here: one that
   * cannot is acknowledged without a transaction (its id is not recorded;
   * seen again, it is left out again).
   */
  relevant?: (event: DomainEvent<S>) => boolean;
  log: Logger;
  /** Told after a transaction of handled events committed (work it left for others to pick up). */
  committed?: () => void;
}): Subscription {
  // Raw SQL: Prisma compiles a createMany anew for every call (3.0 ms of CPU against 0.6 ms
  // here, 500 calls measured on 2026-12-06), and every consumer runs this for every batch.
  // RETURNING names the ids not recorded before: the events this delivery is the first of.
  const recordHandled = `INSERT INTO "${options.db.schema}"."ProcessedEvent" (id, consumer)
    SELECT unnest($1::uuid[]), $2 ON CONFLICT (id) DO NOTHING RETURNING id::text AS id`;
  const handlerOf = (event: DomainEvent<S>) =>
    options.handlers[event.type as EventTypeOf<S>] as
      ((event: DomainEvent<S>, tx: Tx) => Promise<void>) | undefined;

  const handleInOneTransaction = async (events: DomainEvent<S>[]): Promise<void> => {
    await options.db.prisma.$transaction(async (tx) => {
      const recorded = await tx.$queryRawUnsafe<{ id: string }[]>(
        recordHandled,
        events.map((event) => event.id),
        options.group,
      );
      const firstSeen = new Set(recorded.map((row) => row.id));
      for (const event of events) {
        // Deleted once handled: a second copy in the same batch is a duplicate too.
        if (firstSeen.delete(event.id)) await handlerOf(event)!(event, tx);
      }
    });
    options.committed?.();
  };

  return options.bus.subscribe({
    stream: options.stream,
    group: options.group,
    types: Object.keys(options.handlers),
    handler: async (envelopes) => {
      const events = (envelopes as DomainEvent<S>[]).filter(
        (event) => handlerOf(event) && (options.relevant?.(event) ?? true),
      );
      if (events.length === 0) return;
      try {
        await handleInOneTransaction(events);
      } catch (error) {
        if (events.length === 1) throw error;
        options.log.warn(
          { err: error, stream: options.stream, events: events.length },
          'a batch of events failed; handling them one at a time',
        );
        let failure: { error: unknown } | undefined;
        for (const event of events) {
          await handleInOneTransaction([event]).catch((eventError: unknown) => {
            failure ??= { error: eventError };
          });
        }
        if (failure) throw failure.error;
      }
      options.log.debug({ stream: options.stream, events: events.length }, 'events handled');
    },
  });
}
