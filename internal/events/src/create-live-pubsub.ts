import type { Logger } from '@shop/platform';
import { noEventTransport, type EventBusSettings } from './create-bus';
import type { LivePubSub, LivePubSubOptions } from './live-pubsub';
import { PostgresLivePubSub } from './postgres-live-pubsub';
import { RedisLivePubSub } from './redis-live-pubsub';

/** Over Redis with REDIS_URL, over PostgreSQL with EVENTS_DATABASE_URL: every process either way. */
export function createLivePubSub(
  settings: EventBusSettings,
  log: Logger,
  options: LivePubSubOptions = {},
): LivePubSub {
  if (settings.redisUrl) {
    return new RedisLivePubSub(settings.redisUrl, log, settings.streamPrefix, options);
  }
  if (settings.eventsDatabaseUrl) {
    return new PostgresLivePubSub(settings.eventsDatabaseUrl, log, settings.streamPrefix, options);
  }
  throw noEventTransport();
}
