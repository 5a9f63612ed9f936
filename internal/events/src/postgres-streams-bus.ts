import type pg from 'pg';
import { createConnectionPool } from '@shop/database';
import type { Logger } from '@shop/platform';
import type { EventBus, SubscribeOptions, Subscription } from './bus';
import type { EventEnvelope } from './envelope';
import { eventsDatabase, migrateEventStreams, type EventsDatabase } from './events-database';
import { notifyChannel, PgListener } from './pg-listener';
import { PostgresStreamConsumer } from './postgres-stream-consumer';
import { PostgresStreamTables } from './postgres-stream-tables';

/** Streams keep about this many entries (as Redis MAXLEN ~); consumers are expected to keep up. */
const MAX_LENGTH = 100_000;
/** How often one process trims a stream it publishes to: trimming needs no precision. */
const TRIM_EVERY_MS = 60_000;
const POOL_SIZE = 4;

/** The channel publishers of a stream notify and its consumers listen to. */
function streamChannel(stream: string): string {
  return notifyChannel('events', stream);
}

/**
 * Domain events in PostgreSQL, with Redis Streams' guarantees: a stream is
 * a table of entries with ids in commit order, a consumer group a cursor
 * plus the entries it handed out and nobody acknowledged yet. Publishers
 * NOTIFY, so consumers wake at once (and poll as a safety net). A consumer
 * is alive while the session of its bus's listening connection is, so what a
 * dead process held goes to a group-mate at once, not after a timeout. The
 * tables are created on first use, in the schema the URL names (`events`
 * unless `?schema=` says otherwise).
 */
export class PostgresStreamsEventBus implements EventBus {
  private readonly database: EventsDatabase;
  private readonly pool: pg.Pool;
  private readonly tables: PostgresStreamTables;
  private readonly listener: PgListener;
  private migrated: Promise<void> | undefined;
  /** Consumers by the channel that wakes them. */
  private readonly consumers = new Map<string, Set<PostgresStreamConsumer>>();
  private readonly lastTrim = new Map<string, number>();
  private trimming: Promise<void> | undefined;

  /**
   * @param namespace prefixed to every stream name, so deployments or test runs
   * sharing one database do not read each other's events (EVENT_STREAM_PREFIX).
   * @param lingerMs how long a consumer that was just given entries waits
   * before claiming again (EVENT_LINGER_MS; see EventBus).
   */
  constructor(
    databaseUrl: string,
    private readonly log: Logger,
    private readonly namespace = '',
    private readonly lingerMs = 0,
  ) {
    this.database = eventsDatabase(databaseUrl);
    this.pool = createConnectionPool({
      connectionString: this.database.connectionString,
      max: POOL_SIZE,
      applicationName: 'shop-events',
    });
    // An idle connection that breaks is replaced on next use; unhandled, it would end the process.
    this.pool.on('error', (error) => log.warn({ err: error }, 'events database connection lost'));
    this.tables = new PostgresStreamTables(this.pool, this.database.schema);
    this.listener = new PgListener(this.database.connectionString, log, {
      // Only the consumers of the types published are woken: under checkouts, most of a
      // stream's groups take none of most of its events, and each wake-up is a claim statement.
      notification: (channel, payload) => {
        const types = payload === '' ? [] : payload.split(',');
        this.wake([...(this.consumers.get(channel) ?? [])].filter((c) => c.takesAny(types)));
      },
      // Notifications sent while the connection was down are lost: everyone looks again.
      reconnected: () => this.wake([...this.consumers.values()].flatMap((set) => [...set])),
    });
  }

  async publish(stream: string, events: EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    await this.ready();
    const key = this.namespace + stream;
    await this.tables.append(key, events, streamChannel(key));
    this.trimNowAndThen(key);
  }

  subscribe(options: SubscribeOptions): Subscription {
    const stream = this.namespace + options.stream;
    const channel = streamChannel(stream);
    const consumer = new PostgresStreamConsumer(stream, options, {
      tables: this.tables,
      listener: this.listener,
      channel,
      ready: () => this.ready(),
      log: this.log,
      lingerMs: this.lingerMs,
    });
    let group = this.consumers.get(channel);
    if (!group) {
      group = new Set();
      this.consumers.set(channel, group);
    }
    group.add(consumer);
    const sharing = group;
    return {
      stop: async () => {
        await consumer.stop();
        sharing.delete(consumer);
        if (sharing.size === 0 && this.consumers.get(channel) === sharing) {
          this.consumers.delete(channel);
          await this.listener.unlisten(channel).catch((error: unknown) => {
            this.log.warn({ err: error, stream }, 'events UNLISTEN failed');
          });
        }
      },
    };
  }

  async close(): Promise<void> {
    const consumers = [...this.consumers.values()].flatMap((set) => [...set]);
    this.consumers.clear();
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await this.trimming;
    await this.listener.close();
    await this.pool.end();
  }

  private ready(): Promise<void> {
    this.migrated ??= migrateEventStreams(this.database.url, this.log).catch((error: unknown) => {
      this.migrated = undefined;
      throw error;
    });
    return this.migrated;
  }

  private wake(consumers: Iterable<PostgresStreamConsumer>): void {
    for (const consumer of consumers) consumer.wake();
  }

  private trimNowAndThen(stream: string): void {
    const now = Date.now();
    if (this.trimming || now - (this.lastTrim.get(stream) ?? 0) < TRIM_EVERY_MS) return;
    this.lastTrim.set(stream, now);
    this.trimming = this.tables
      .trim(stream, MAX_LENGTH)
      .catch((error: unknown) => this.log.warn({ err: error, stream }, 'event stream trim failed'))
      .finally(() => {
        this.trimming = undefined;
      });
  }
}
