import { randomUUID } from 'node:crypto';
import type { EventDataOf, EventEnvelope, EventTypeOf, Stream } from '@shop/events';

/** An envelope as another domain's relay would publish it, typed by the event catalog. */
export function envelopeOf<S extends Stream, T extends EventTypeOf<S>>(
  _stream: S,
  type: T,
  aggregateId: string,
  data: EventDataOf<S, T>,
  version = 1,
): EventEnvelope<T, EventDataOf<S, T>> {
  return {
    id: randomUUID(),
    type,
    aggregateId,
    version,
    occurredAt: new Date().toISOString(),
    data,
    correlationId: null,
  };
}

/** Retries the assertion until it passes, for what arrives through the event bus. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
