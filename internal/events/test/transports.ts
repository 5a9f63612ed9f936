import Redis from 'ioredis';
import {
  PostgresLivePubSub,
  postgresLiveChannel,
  PostgresStreamsEventBus,
  RedisLivePubSub,
  RedisStreamsEventBus,
  type EventBus,
  type LiveFeed,
  type LivePubSub,
  type LivePubSubOptions,
  type LiveTopic,
} from '@shop/events';
import { createLogger } from '@shop/platform';
import {
  deleteTestStreams,
  processesListening,
  queryTestDatabase,
  testEventsSettings,
  testRedisSettings,
} from '@shop/testing';

const log = createLogger('events-transport-test', 'silent');

/**
 * One event transport as the tests drive it, in a namespace of its own:
 * every bus or pub/sub it makes shares that namespace, as the processes of
 * one deployment do.
 */
export interface Transport {
  /** `lingerMs`: as EVENT_LINGER_MS; none unless given. */
  bus(lingerMs?: number): EventBus;
  pubSub(options?: LivePubSubOptions): LivePubSub;
  /** Entries the stream holds now. */
  length(stream: string): Promise<number>;
  /** Whether the group exists, so where it starts is settled. */
  hasGroup(stream: string, group: string): Promise<boolean>;
  /** How many of the given pub/subs listen to the topic on the server now. */
  listening<F extends LiveFeed>(pubSubs: LivePubSub[], topic: LiveTopic<F>): Promise<number>;
  cleanUp(): Promise<void>;
}

export type TransportName = 'Redis' | 'PostgreSQL';

export const TRANSPORTS: [TransportName, () => Promise<Transport>][] = [
  ['Redis', redisTransport],
  ['PostgreSQL', postgresTransport],
];

export async function redisTransport(): Promise<Transport> {
  const settings = testRedisSettings();
  const redis = new Redis(settings.redisUrl);
  return {
    bus: (lingerMs) =>
      new RedisStreamsEventBus(settings.redisUrl, log, settings.streamPrefix, lingerMs),
    pubSub: (options) =>
      new RedisLivePubSub(settings.redisUrl, log, settings.streamPrefix, options),
    length: (stream) => redis.xlen(settings.streamPrefix + stream),
    hasGroup: async (stream, group) => {
      const groups = (await redis
        .xinfo('GROUPS', settings.streamPrefix + stream)
        .catch(() => [])) as string[][];
      return groups.some((fields) => fields[fields.indexOf('name') + 1] === group);
    },
    // NUMSUB counts every process subscribed, whichever pub/sub it is.
    listening: (_pubSubs, topic) => processesListening(settings, topic),
    cleanUp: async () => {
      await deleteTestStreams(settings);
      await redis.quit();
    },
  };
}

export async function postgresTransport(): Promise<Transport> {
  const { eventsDatabaseUrl, streamPrefix } = await testEventsSettings();
  const count = async (sql: string, params: unknown[]) => {
    const [row] = await queryTestDatabase<{ count: string }>(eventsDatabaseUrl, sql, params);
    return Number(row!.count);
  };
  return {
    bus: (lingerMs) => new PostgresStreamsEventBus(eventsDatabaseUrl, log, streamPrefix, lingerMs),
    pubSub: (options) => new PostgresLivePubSub(eventsDatabaseUrl, log, streamPrefix, options),
    length: (stream) =>
      count('SELECT count(*) FROM event_entry WHERE stream = $1', [streamPrefix + stream]),
    hasGroup: async (stream, group) =>
      (await count('SELECT count(*) FROM event_group WHERE stream = $1 AND consumer_group = $2', [
        streamPrefix + stream,
        group,
      ])) > 0,
    // LISTENs are per session, so each pub/sub asks its own connection.
    listening: async (pubSubs, topic) => {
      const channel = postgresLiveChannel(streamPrefix, topic);
      const answers = await Promise.all(
        pubSubs.map(async (pubSub) =>
          (await (pubSub as PostgresLivePubSub).listeningChannels()).includes(channel),
        ),
      );
      return answers.filter(Boolean).length;
    },
    cleanUp: async () => undefined,
  };
}
