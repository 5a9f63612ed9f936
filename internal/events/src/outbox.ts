import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from './envelope';
import type { EventDataOf, EventTypeOf, Stream } from './catalog';

/** The part of a Prisma transaction client the outbox writes through. */
export interface OutboxTransaction {
  outboxEvent: {
    create(args: {
      data: {
        id: string;
        type: string;
        aggregateId: string;
        version: number;
        occurredAt: Date;
        data: never;
        correlationId: string | null;
      };
    }): Promise<unknown>;
  };
}

export interface RecordOptions {
  version?: number;
  correlationId?: string | null;
}

/** What publishes an outbox: told when there is something new to publish. */
export interface OutboxWaker {
  wake(): void;
}

/**
 * A subgraph's outbox of one stream, the one handle its services write
 * events through: `record` inside the transaction of the change (the event
 * exists exactly when the change was committed), then `committed()` after
 * the commit, so the relay publishes at once instead of at its next poll.
 * The relay attaches itself when it starts; until one does, events wait in
 * the table, which is where a crash leaves them too.
 */
export class Outbox<S extends Stream> {
  private relay: OutboxWaker | undefined;

  constructor(readonly stream: S) {}

  async record<T extends EventTypeOf<S>>(
    tx: OutboxTransaction,
    type: T,
    aggregateId: string,
    data: EventDataOf<S, T>,
    options: RecordOptions = {},
  ): Promise<EventEnvelope<T, EventDataOf<S, T>>> {
    const envelope: EventEnvelope<T, EventDataOf<S, T>> = {
      id: randomUUID(),
      type,
      aggregateId,
      version: options.version ?? 1,
      occurredAt: new Date().toISOString(),
      data,
      correlationId: options.correlationId ?? null,
    };
    await tx.outboxEvent.create({
      data: {
        id: envelope.id,
        type,
        aggregateId,
        version: envelope.version,
        occurredAt: new Date(envelope.occurredAt),
        data: data as never,
        correlationId: envelope.correlationId,
      },
    });
    return envelope;
  }

  /** After the commit of a transaction that recorded events. */
  committed(): void {
    this.relay?.wake();
  }

  /** The relay publishing this outbox attaches itself here, and detaches when it stops. */
  attachRelay(relay: OutboxWaker | undefined): void {
    this.relay = relay;
  }
}
