import type pg from 'pg';
import { createConnectionPool } from '@shop/database';
import type { Logger } from '@shop/platform';
import { eventsDatabase } from './events-database';
import {
  DEFAULT_LIVE_QUEUE_LIMIT,
  type LivePubSub,
  type LivePubSubOptions,
  type LiveSubscription,
} from './live-pubsub';
import { LiveSubscribers } from './live-subscribers';
import type { LiveFeed, LivePayload, LiveTopic } from './live-topics';
import { notifyChannel, PgListener } from './pg-listener';

/** PostgreSQL refuses a NOTIFY payload of this many bytes or more (its default build). */
export const NOTIFY_PAYLOAD_LIMIT = 8_000;

/** The NOTIFY channel of a topic: namespaced like the event streams (EVENT_STREAM_PREFIX). */
export function postgresLiveChannel(namespace: string, topic: string): string {
  return notifyChannel('live', namespace + topic);
}

/** What travels in a NOTIFY: the topic too, so a channel shared by a hash collision is told apart. */
interface LiveMessage {
  topic: string;
  payload: unknown;
}

/** Messages notified by one statement, in the order they were published. */
interface NotifyBatch {
  channels: string[];
  messages: string[];
  sent: Promise<void>;
}

/**
 * LISTEN/NOTIFY: `pg_notify` to reach every process on the database, and in
 * each process one connection that LISTENs to a topic's channel exactly
 * while a local subscriber listens to the topic. Both connections open on
 * first use. After a lost connection it LISTENs again; what was published
 * meanwhile is lost, as pub/sub promises. A message must stay under
 * PostgreSQL's NOTIFY limit: a bigger one is refused, never dropped quietly.
 * Messages published while a statement is under way go together in the
 * next: a feed's batch of stock changes was one statement per message on
 * the events database (two per StockChanged), now two in all. Identical
 * messages of one statement arrive once (PostgreSQL folds them), which
 * costs nothing to subscribers that read the state fresh for each.
 */
export class PostgresLivePubSub implements LivePubSub {
  private readonly connectionString: string;
  private publisher: pg.Pool | undefined;
  private listener: PgListener | undefined;
  /** The topic of each channel listened to. */
  private readonly topics = new Map<string, string>();
  private readonly subscribers: LiveSubscribers;
  private closed = false;
  /** The statement under way, if any; the next waits for it, so messages keep their order. */
  private inFlight: Promise<void> = Promise.resolve();
  /** The batch that has not started yet: what is published now joins it. */
  private gathering: NotifyBatch | undefined;

  /** @param namespace prefixed to every channel's topic (EVENT_STREAM_PREFIX). */
  constructor(
    databaseUrl: string,
    private readonly log: Logger,
    private readonly namespace = '',
    options: LivePubSubOptions = {},
  ) {
    this.connectionString = eventsDatabase(databaseUrl).connectionString;
    this.subscribers = new LiveSubscribers(options.queueLimit ?? DEFAULT_LIVE_QUEUE_LIMIT, log, {
      first: (topic) => {
        const channel = this.channelOf(topic);
        this.topics.set(channel, topic);
        return this.listenerConnection().listen(channel);
      },
      last: (topic) => {
        const channel = this.channelOf(topic);
        this.topics.delete(channel);
        this.listener?.unlisten(channel).catch((error: unknown) => {
          if (!this.closed) this.log.warn({ err: error, topic }, 'live UNLISTEN failed');
        });
      },
    });
  }

  async publish<F extends LiveFeed>(topic: LiveTopic<F>, payload: LivePayload<F>): Promise<void> {
    if (this.closed) throw new Error('The live pub/sub is closed');
    const message = JSON.stringify({ topic, payload } satisfies LiveMessage);
    const bytes = Buffer.byteLength(message);
    if (bytes >= NOTIFY_PAYLOAD_LIMIT) {
      throw new Error(
        `Live message on "${topic}" is ${bytes} bytes: PostgreSQL NOTIFY carries under ${NOTIFY_PAYLOAD_LIMIT}`,
      );
    }
    await this.notify(this.channelOf(topic), message);
  }

  /** Joins the batch gathering, or starts one after the statement under way. */
  private notify(channel: string, message: string): Promise<void> {
    if (this.gathering) {
      this.gathering.channels.push(channel);
      this.gathering.messages.push(message);
      return this.gathering.sent;
    }
    const batch = { channels: [channel], messages: [message] } as NotifyBatch;
    this.gathering = batch;
    batch.sent = this.inFlight.then(async () => {
      this.gathering = undefined;
      this.publisher ??= this.connectPublisher();
      // unnest keeps the arrays' order, and one statement's notifications arrive in its order.
      await this.publisher.query(
        'SELECT pg_notify(channel, message) FROM unnest($1::text[], $2::text[]) AS m(channel, message)',
        [batch.channels, batch.messages],
      );
    });
    // A failed statement fails its own publishers; the next batch goes regardless.
    this.inFlight = batch.sent.catch(() => undefined);
    return batch.sent;
  }

  async subscribe<F extends LiveFeed>(
    topic: LiveTopic<F>,
  ): Promise<LiveSubscription<LivePayload<F>>> {
    if (this.closed) throw new Error('The live pub/sub is closed');
    return this.subscribers.subscribe<LivePayload<F>>(topic);
  }

  /** The channels this process's connection LISTENs to now, as the server reports them. */
  listeningChannels(): Promise<string[]> {
    return this.listener?.listening() ?? Promise.resolve([]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscribers.endAll();
    await Promise.all([this.publisher?.end(), this.listener?.close()]);
  }

  private channelOf(topic: string): string {
    return postgresLiveChannel(this.namespace, topic);
  }

  private connectPublisher(): pg.Pool {
    // One connection: messages are notified in the order they were published, as over Redis.
    const pool = createConnectionPool({
      connectionString: this.connectionString,
      max: 1,
      applicationName: 'shop-live',
    });
    // An idle connection that breaks is replaced on next use; unhandled, it would end the process.
    pool.on('error', (error) => this.log.warn({ err: error }, 'live pub/sub connection lost'));
    return pool;
  }

  private listenerConnection(): PgListener {
    this.listener ??= new PgListener(this.connectionString, this.log, {
      notification: (channel, raw) => this.deliver(channel, raw),
    });
    return this.listener;
  }

  private deliver(channel: string, raw: string): void {
    const topic = this.topics.get(channel);
    if (topic === undefined) return;
    let message: LiveMessage;
    try {
      message = JSON.parse(raw) as LiveMessage;
    } catch (error) {
      this.log.warn({ err: error, channel }, 'live message is not JSON; dropped');
      return;
    }
    if (message.topic === topic) this.subscribers.deliver(topic, message.payload);
  }
}
