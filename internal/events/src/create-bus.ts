import type { Logger } from '@shop/platform';
import type { EventBus } from './bus';
import { PostgresStreamsEventBus } from './postgres-streams-bus';
import { RedisStreamsEventBus } from './redis-streams-bus';

export interface EventBusSettings {
  /** Redis Streams and Redis pub/sub when set (REDIS_URL). */
  redisUrl?: string;
  /**
   * The PostgreSQL database carrying event streams and the live pub/sub
   * when REDIS_URL is not set: EVENTS_DATABASE_URL.
   */
  eventsDatabaseUrl?: string;
  /** Prefixed to every stream and live channel (EVENT_STREAM_PREFIX). */
  streamPrefix?: string;
  /**
   * How long a consumer given a short batch waits before reading again
   * (EVENT_LINGER_MS; the outbox relay lingers as long after a pass that
   * published).
   */
  eventLingerMs?: number;
}

/** Neither transport configured: nothing would carry events between processes, or survive a crash. */
export function noEventTransport(): Error {
  return new Error(
    'No event transport: set REDIS_URL (Redis Streams) or EVENTS_DATABASE_URL (PostgreSQL)',
  );
}

export function createEventBus(settings: EventBusSettings, log: Logger): EventBus {
  if (settings.redisUrl) {
    return new RedisStreamsEventBus(
      settings.redisUrl,
      log,
      settings.streamPrefix,
      settings.eventLingerMs,
    );
  }
  if (settings.eventsDatabaseUrl) {
    return new PostgresStreamsEventBus(
      settings.eventsDatabaseUrl,
      log,
      settings.streamPrefix,
      settings.eventLingerMs,
    );
  }
  throw noEventTransport();
}
