import type Redis from 'ioredis';
import type { Logger } from '@shop/platform';
import {
  DEFAULT_LIVE_QUEUE_LIMIT,
  type LivePubSub,
  type LivePubSubOptions,
  type LiveSubscription,
} from './live-pubsub';
import { LiveSubscribers } from './live-subscribers';
import { closeRedis, connectRedis } from './redis-connection';
import type { LiveFeed, LivePayload, LiveTopic } from './live-topics';

/** The Redis channel of a topic: namespaced like the event streams (EVENT_STREAM_PREFIX). */
export function liveChannel(namespace: string, topic: string): string {
  return `${namespace}live:${topic}`;
}

/**
 * Redis pub/sub: PUBLISH to reach every process, and in each process one
 * subscriber connection that is SUBSCRIBEd to a channel exactly while a
 * local subscriber listens to its topic. Both connections open on first use,
 * so a process that only publishes, or never, holds no idle subscriber.
 * ioredis re-subscribes after a reconnect; what was published meanwhile is
 * lost, as pub/sub promises.
 */
export class RedisLivePubSub implements LivePubSub {
  private publisher: Redis | undefined;
  private subscriber: Redis | undefined;
  private readonly subscribers: LiveSubscribers;
  private closed = false;

  /** @param namespace prefixed to every channel (EVENT_STREAM_PREFIX). */
  constructor(
    private readonly url: string,
    private readonly log: Logger,
    private readonly namespace = '',
    options: LivePubSubOptions = {},
  ) {
    this.subscribers = new LiveSubscribers(options.queueLimit ?? DEFAULT_LIVE_QUEUE_LIMIT, log, {
      first: (topic) => this.subscriberConnection().subscribe(this.channelOf(topic)),
      last: (topic) => {
        const subscriber = this.subscriber;
        subscriber?.unsubscribe(this.channelOf(topic)).catch((error: unknown) => {
          // Redis being away was said once already, by its connection.
          const expected = this.closed || subscriber.status !== 'ready';
          this.log[expected ? 'debug' : 'warn']({ err: error, topic }, 'live UNSUBSCRIBE failed');
        });
      },
    });
  }

  async publish<F extends LiveFeed>(topic: LiveTopic<F>, payload: LivePayload<F>): Promise<void> {
    if (this.closed) throw new Error('The live pub/sub is closed');
    this.publisher ??= this.connect('publisher');
    await this.publisher.publish(this.channelOf(topic), JSON.stringify(payload));
  }

  async subscribe<F extends LiveFeed>(
    topic: LiveTopic<F>,
  ): Promise<LiveSubscription<LivePayload<F>>> {
    if (this.closed) throw new Error('The live pub/sub is closed');
    return this.subscribers.subscribe<LivePayload<F>>(topic);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscribers.endAll();
    await Promise.all(
      [this.publisher, this.subscriber].map((connection) => connection && closeRedis(connection)),
    );
  }

  private channelOf(topic: string): string {
    return liveChannel(this.namespace, topic);
  }

  private subscriberConnection(): Redis {
    if (!this.subscriber) {
      this.subscriber = this.connect('subscriber');
      const prefix = liveChannel(this.namespace, '');
      this.subscriber.on('message', (channel: string, message: string) => {
        if (!channel.startsWith(prefix)) return;
        let payload: unknown;
        try {
          payload = JSON.parse(message);
        } catch (error) {
          this.log.warn({ err: error, channel }, 'live message is not JSON; dropped');
          return;
        }
        this.subscribers.deliver(channel.slice(prefix.length), payload);
      });
    }
    return this.subscriber;
  }

  private connect(role: string): Redis {
    return connectRedis(this.url, this.log, { purpose: `live ${role}`, maxRetriesPerRequest: 3 });
  }
}
