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

/**
 * Records a domain event in the subgraph's outbox table, in the caller's
 * transaction: the event exists exactly when the change it describes was
 * committed. The relay publishes it afterwards.
 */
export function outboxFor<S extends Stream>(_stream: S) {
  return {
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
    },
  };
}
