import type { LiveFeed, LivePayload, LiveTopic } from './live-topics';

/** Messages of one topic, in order; `return()` unsubscribes. */
export interface LiveSubscription<T> extends AsyncIterableIterator<T> {
  return(): Promise<IteratorResult<T>>;
}

/**
 * The fan-out behind GraphQL subscriptions: a message published on a topic
 * reaches every subscriber of that topic, in every process sharing the Redis
 * (or the PostgreSQL database, without Redis). Nothing is stored: a message
 * reaches the subscribers present when it is published, once at most; what
 * must not be lost travels on the event bus instead.
 */
export interface LivePubSub {
  publish<F extends LiveFeed>(topic: LiveTopic<F>, payload: LivePayload<F>): Promise<void>;
  /**
   * Resolves once the subscription listens, so whatever is published after
   * that reaches it.
   */
  subscribe<F extends LiveFeed>(topic: LiveTopic<F>): Promise<LiveSubscription<LivePayload<F>>>;
  /** Ends every subscription and closes the connections. */
  close(): Promise<void>;
}

export interface LivePubSubOptions {
  /**
   * How many messages a subscriber may fall behind. Beyond it the oldest
   * queued message is dropped rather than the queue growing without bound:
   * a subscription reads the state fresh for every message, so a slow
   * consumer skips states in between but still reaches the newest.
   */
  queueLimit?: number;
}

export const DEFAULT_LIVE_QUEUE_LIMIT = 100;
