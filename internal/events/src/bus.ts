import type { EventEnvelope } from './envelope';

export interface SubscribeOptions {
  stream: string;
  /** A consumer group: each event reaches each group once, whichever instance takes it. */
  group: string;
  /**
   * Takes the events one read of the stream gave, in stream order; they are
   * acknowledged once it returns. When it throws, none of them is: the whole
   * batch comes again, before anything after it.
   */
  handler: (events: EventEnvelope[]) => Promise<void>;
  /**
   * Where a group seen for the first time starts: at the oldest event the
   * stream keeps (the default: a projection wants the history), or at the
   * next one published (a feed of what happens from now on). A group that
   * exists resumes where it stopped either way.
   */
  startAt?: 'oldest' | 'newest';
  /**
   * The event types the handler is given; the others count as handled
   * (PostgreSQL passes over them in the claim: no pending entry, no
   * acknowledgement). All when absent.
   */
  types?: readonly string[];
}

export interface Subscription {
  stop(): Promise<void>;
}

/**
 * Delivery of domain events between subgraphs, durable and shared by every
 * process: Redis Streams, or tables in PostgreSQL without Redis. Delivery is
 * at least once; consumers make handling idempotent (consumeEvents). A
 * consumer that was just given a short batch pauses for the bus's linger
 * (EVENT_LINGER_MS) before it reads again, so that under load the events of
 * close commits come in one delivery: each delivery costs a read, an
 * acknowledgement and, in consumeEvents, a transaction, whatever it holds.
 * An event after a quiet spell is delivered at once.
 */
export interface EventBus {
  publish(stream: string, events: EventEnvelope[]): Promise<void>;
  subscribe(options: SubscribeOptions): Subscription;
  close(): Promise<void>;
}
