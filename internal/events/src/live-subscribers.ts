import { AsyncQueue, type Logger } from '@shop/platform';
import type { LiveSubscription } from './live-pubsub';

/**
 * The local subscribers of every topic, counted: `first` runs when a topic
 * gains its first subscriber in this process (the transport starts
 * listening to it) and `last` when it loses its last one, so a transport
 * listens to a topic exactly while someone here does.
 */
export class LiveSubscribers {
  private readonly topics = new Map<string, Set<AsyncQueue<unknown>>>();
  /** Per topic listened to, the transport's listening to it. */
  private readonly listening = new Map<string, Promise<unknown>>();

  constructor(
    private readonly limit: number,
    private readonly log: Logger,
    private readonly hooks: { first(topic: string): Promise<unknown>; last(topic: string): void },
  ) {}

  /** A new subscriber of the topic, once the transport listens to it. */
  async subscribe<T>(topic: string): Promise<LiveSubscription<T>> {
    const subscription = this.add<T>(topic);
    try {
      await this.listening.get(topic);
    } catch (error) {
      await subscription.return();
      throw error;
    }
    return subscription;
  }

  private add<T>(topic: string): LiveSubscription<T> {
    let queues = this.topics.get(topic);
    if (!queues) {
      queues = new Set();
      this.topics.set(topic, queues);
      const listening = this.hooks.first(topic);
      // subscribe() reports a failure; this only keeps it from being unhandled.
      listening.catch(() => undefined);
      this.listening.set(topic, listening);
    }
    const owner = queues;
    // Full: the oldest message goes (see LivePubSubOptions.queueLimit).
    const queue: AsyncQueue<unknown> = new AsyncQueue<unknown>(
      this.limit,
      {
        drop: 'oldest',
        onDrop: () =>
          this.log.warn({ topic, limit: this.limit }, 'live subscriber behind: oldest dropped'),
      },
      () => this.remove(topic, owner, queue),
    );
    owner.add(queue);
    return queue as AsyncQueue<T>;
  }

  deliver(topic: string, payload: unknown): void {
    for (const queue of this.topics.get(topic) ?? []) queue.push(payload);
  }

  endAll(): void {
    for (const queues of [...this.topics.values()]) for (const queue of queues) queue.end();
  }

  private remove(
    topic: string,
    queues: Set<AsyncQueue<unknown>>,
    queue: AsyncQueue<unknown>,
  ): void {
    queues.delete(queue);
    if (queues.size === 0 && this.topics.get(topic) === queues) {
      this.topics.delete(topic);
      this.listening.delete(topic);
      this.hooks.last(topic);
    }
  }
}
