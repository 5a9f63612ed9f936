import type { Logger } from '@shop/platform';
import {
  DEFAULT_LIVE_QUEUE_LIMIT,
  type LivePubSub,
  type LivePubSubOptions,
  type LiveSubscription,
} from './live-pubsub';
import { LiveSubscribers } from './live-subscribers';
import type { LiveFeed, LivePayload, LiveTopic } from './live-topics';

/** The pub/sub of the embedded mode: every subscriber is in this process. */
export class InProcessLivePubSub implements LivePubSub {
  private readonly subscribers: LiveSubscribers;
  private closed = false;

  constructor(log: Logger, options: LivePubSubOptions = {}) {
    this.subscribers = new LiveSubscribers(options.queueLimit ?? DEFAULT_LIVE_QUEUE_LIMIT, log, {
      first: () => undefined,
      last: () => undefined,
    });
  }

  async publish<F extends LiveFeed>(topic: LiveTopic<F>, payload: LivePayload<F>): Promise<void> {
    if (this.closed) throw new Error('The live pub/sub is closed');
    // A copy per publish, as over Redis: subscribers never share an object with the publisher.
    this.subscribers.deliver(topic, structuredClone(payload));
  }

  async subscribe<F extends LiveFeed>(
    topic: LiveTopic<F>,
  ): Promise<LiveSubscription<LivePayload<F>>> {
    if (this.closed) throw new Error('The live pub/sub is closed');
    return this.subscribers.add<LivePayload<F>>(topic);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscribers.endAll();
  }
}
