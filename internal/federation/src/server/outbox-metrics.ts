import { setTimeout as delay } from 'node:timers/promises';
import type { Outbox, OutboxReader, Stream } from '@shop/events';
import { registerGaugeOf, sharedWhileInFlight, type ServiceObservability } from '@shop/platform';

/** A scrape does not wait on an exhausted pool: without an answer by then, no sample. */
const BACKLOG_DEADLINE_MS = 1_000;

/** The answer, or undefined when it failed or took longer than `ms`. */
async function answerWithin<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  const late = new AbortController();
  try {
    return await Promise.race([
      work.catch(() => undefined),
      delay(ms, undefined, { signal: late.signal }).catch(() => undefined),
    ]);
  } finally {
    late.abort();
  }
}

/**
 * The outbox's unpublished events and the age of the oldest, per stream, read
 * at each scrape with one query on the relay's index. A backlog that grows,
 * or an oldest event that ages, is a relay stopped or failing; consumers'
 * lag (domain_event_lag_seconds) starts only once an event is published.
 * A scrape while the database does not answer in time has no sample of them.
 */
export function registerOutboxBacklog(
  registry: NonNullable<ServiceObservability['registry']>,
  db: OutboxReader,
  outbox: Outbox<Stream>,
): void {
  const read = sharedWhileInFlight(() => answerWithin(outbox.backlog(db), BACKLOG_DEADLINE_MS));
  const labels = { stream: outbox.stream };
  registerGaugeOf(
    registry,
    { name: 'outbox_unpublished_events', help: 'Events recorded and not yet published', labels },
    async () => (await read())?.events,
  );
  registerGaugeOf(
    registry,
    {
      name: 'outbox_oldest_unpublished_age_seconds',
      help: 'How long the oldest unpublished event has waited (0 when none)',
      labels,
    },
    async () => (await read())?.oldestAgeSeconds,
  );
}
