import type { Logger } from '@shop/platform';
import type { LiveSubscription } from './live-pubsub';

/**
 * One subscriber's messages: a queue of at most `limit`, dropping the oldest
 * when full (see LivePubSubOptions.queueLimit), read as an async iterator.
 */
class LiveQueue<T> implements LiveSubscription<T> {
  private readonly values: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private ended = false;

  constructor(
    private readonly limit: number,
    private readonly onEnd: () => void,
    private readonly onDrop: () => void,
  ) {}

  push(value: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value, done: false });
      return;
    }
    if (this.values.length >= this.limit) {
      this.values.shift();
      this.onDrop();
    }
    this.values.push(value);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.values.length > 0)
      return Promise.resolve({ value: this.values.shift()!, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  /** The consumer leaves: what is queued is dropped, a pending next() ends. */
  return(): Promise<IteratorResult<T>> {
    this.values.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** No more messages: the consumer reads what is queued, then the iterator is done. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
    this.onEnd();
  }
}

/**
 * The local subscribers of every topic, counted: `first` runs when a topic
 * gains its first subscriber in this process and `last` when it loses its
 * last one, so a transport listens to a topic exactly while someone here does.
 */
export class LiveSubscribers {
  private readonly topics = new Map<string, Set<LiveQueue<unknown>>>();

  constructor(
    private readonly limit: number,
    private readonly log: Logger,
    private readonly hooks: { first(topic: string): void; last(topic: string): void },
  ) {}

  add<T>(topic: string): LiveSubscription<T> {
    let queues = this.topics.get(topic);
    if (!queues) {
      queues = new Set();
      this.topics.set(topic, queues);
      this.hooks.first(topic);
    }
    const owner = queues;
    const queue: LiveQueue<unknown> = new LiveQueue(
      this.limit,
      () => this.remove(topic, owner, queue),
      () => this.log.warn({ topic, limit: this.limit }, 'live subscriber behind: oldest dropped'),
    );
    owner.add(queue);
    return queue as LiveQueue<T>;
  }

  deliver(topic: string, payload: unknown): void {
    for (const queue of this.topics.get(topic) ?? []) queue.push(payload);
  }

  endAll(): void {
    for (const queues of [...this.topics.values()]) for (const queue of queues) queue.end();
  }

  private remove(topic: string, queues: Set<LiveQueue<unknown>>, queue: LiveQueue<unknown>): void {
    queues.delete(queue);
    if (queues.size === 0 && this.topics.get(topic) === queues) {
      this.topics.delete(topic);
      this.hooks.last(topic);
    }
  }
}
