import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import type Redis from 'ioredis';
import { FailureReport, type Logger } from '@shop/platform';
import type { EventBus, SubscribeOptions, Subscription } from './bus';
import type { EventEnvelope } from './envelope';
import { closeRedis, connectRedis } from './redis-connection';

/** Streams keep about this many entries; consumers are expected to keep up. */
const MAX_LENGTH = 100_000;
const BLOCK_MS = 2_000;
const BATCH = 50;
const RETRY_MS = 1_000;
/** Pending entries idle this long belong to a consumer that died; another takes them over. */
const CLAIM_IDLE_MS = 30_000;

type StreamEntries = [id: string, fields: string[]][];

/** The sequence numbers of this process's live subscriptions, per stream and group. */
const liveSubscriptions = new Map<string, Set<number>>();

/**
 * A consumer name that is the same after a restart of the same pod (host
 * name and pid 1 in a container), so a restarted consumer re-reads what it
 * had taken, and different for a second live subscription in the same
 * process, so two never share pending entries. A stopped subscription's name
 * goes to the next one: a blocking read still in flight when it stopped may
 * have been handed an entry, which its successor then re-reads at once
 * rather than after CLAIM_IDLE_MS (events.int.test.ts, "an existing group
 * resumes", failed that way under load). `release` frees the name.
 */
function consumerName(stream: string, group: string): { name: string; release: () => void } {
  const key = `${stream}\u0000${group}`;
  let live = liveSubscriptions.get(key);
  if (!live) {
    live = new Set();
    liveSubscriptions.set(key, live);
  }
  let sequence = 1;
  while (live.has(sequence)) sequence++;
  live.add(sequence);
  const taken = live;
  let released = false;
  return {
    name: `${group}-${hostname()}-${process.pid}-${sequence}`,
    release: () => {
      // Only once: the name may belong to a later subscription by a second stop.
      if (!released) taken.delete(sequence);
      released = true;
    },
  };
}

/**
 * Redis Streams: XADD to `<domain>.events`, consumer groups with XREADGROUP,
 * each read's entries handed over together and acknowledged in one XACK
 * after the handler succeeded. A consumer first re-reads its own pending
 * entries (what it took before a crash), and periodically claims entries
 * another instance left pending for too long.
 */
export class RedisStreamsEventBus implements EventBus {
  private readonly publisher: Redis;
  private readonly subscriptions = new Set<Subscription>();

  /**
   * @param namespace prefixed to every stream key, so deployments or test runs
   * sharing one Redis do not read each other's events (EVENT_STREAM_PREFIX).
   * @param lingerMs how long a consumer that was just given entries waits
   * before reading again (EVENT_LINGER_MS; see EventBus).
   */
  constructor(
    private readonly url: string,
    private readonly log: Logger,
    private readonly namespace = '',
    private readonly lingerMs = 0,
  ) {
    this.publisher = connectRedis(url, log, {
      purpose: 'event publisher',
      maxRetriesPerRequest: 3,
    });
  }

  async publish(stream: string, events: EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.publisher.pipeline();
    for (const event of events) {
      pipeline.xadd(
        this.namespace + stream,
        'MAXLEN',
        '~',
        MAX_LENGTH,
        '*',
        'event',
        JSON.stringify(event),
      );
    }
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }

  subscribe(options: SubscribeOptions): Subscription {
    // Blocking reads need a connection of their own.
    const connection = connectRedis(this.url, this.log, {
      purpose: 'event consumer',
      maxRetriesPerRequest: null,
    });
    const key = this.namespace + options.stream;
    const { name: consumer, release } = consumerName(key, options.group);
    const log = this.log.child({ stream: key, group: options.group });
    const failures = new FailureReport(log, 'event consumer');
    let stopped = false;
    let lastClaim = 0;
    // ioredis 5.11 never settles a command queued while it reconnects once the
    // connection is closed (redis/ioredis#2169, open): a stop while Redis was
    // away hung here for ever. Each command is awaited until the stop instead.
    let stop!: () => void;
    const lingering = new AbortController();
    const stopping = new Promise<never>((_resolve, reject) => {
      stop = () => {
        lingering.abort();
        reject(new Error('the consumer stopped'));
      };
    });
    stopping.catch(() => undefined);
    const untilStopped = <T>(command: Promise<T>): Promise<T> => Promise.race([command, stopping]);

    const types = options.types ? new Set(options.types) : null;
    const handle = async (entries: StreamEntries): Promise<boolean> => {
      if (entries.length === 0) return false;
      const events: EventEnvelope[] = [];
      for (const [, fields] of entries) {
        const raw = fields[fields.indexOf('event') + 1];
        const event = raw ? (JSON.parse(raw) as EventEnvelope) : undefined;
        if (event && (!types || types.has(event.type))) events.push(event);
      }
      if (events.length > 0) await options.handler(events);
      await untilStopped(connection.xack(key, options.group, ...entries.map(([id]) => id)));
      return true;
    };

    // "$": a new group that starts at the newest entry sees only what comes after it.
    const startId = options.startAt === 'newest' ? '$' : '0';
    const loop = async (): Promise<void> => {
      let grouped = false;
      let backlog = true;
      while (!stopped) {
        try {
          if (!grouped) {
            await untilStopped(
              connection
                .xgroup('CREATE', key, options.group, startId, 'MKSTREAM')
                .catch((error: Error) => {
                  if (!error.message.includes('BUSYGROUP')) throw error;
                }),
            );
            grouped = true;
          }
          if (Date.now() - lastClaim > CLAIM_IDLE_MS) {
            lastClaim = Date.now();
            const [, claimed] = (await untilStopped(
              connection.xautoclaim(
                key,
                options.group,
                consumer,
                CLAIM_IDLE_MS,
                '0',
                'COUNT',
                BATCH,
              ),
            )) as [string, StreamEntries];
            await handle(claimed);
          }
          // "0" re-reads this consumer's pending entries; ">" asks for new ones.
          const reply = (await untilStopped(
            connection.xreadgroup(
              'GROUP',
              options.group,
              consumer,
              'COUNT',
              BATCH,
              'BLOCK',
              BLOCK_MS,
              'STREAMS',
              key,
              backlog ? '0' : '>',
            ),
          )) as [string, StreamEntries][] | null;
          const entries = reply?.[0]?.[1] ?? [];
          const handled = await handle(entries);
          failures.succeeded();
          if (backlog && !handled) backlog = false;
          // A short read while events flow: let the next ones gather (a full read reads on).
          if (!backlog && handled && entries.length < BATCH && this.lingerMs > 0) {
            await delay(this.lingerMs, undefined, { signal: lingering.signal });
          }
        } catch (error) {
          if (stopped) break;
          failures.failed(error);
          backlog = true;
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      }
    };
    const running = loop().catch((error: unknown) =>
      log.error({ err: error }, 'event consumer stopped'),
    );

    const subscription: Subscription = {
      stop: async () => {
        stopped = true;
        stop();
        connection.disconnect();
        await running;
        release();
        this.subscriptions.delete(subscription);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await closeRedis(this.publisher);
  }
}
