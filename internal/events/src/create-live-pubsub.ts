import type { Logger } from '@shop/platform';
import type { EventBusSettings } from './create-bus';
import { InProcessLivePubSub } from './in-process-live-pubsub';
import type { LivePubSub, LivePubSubOptions } from './live-pubsub';
import { RedisLivePubSub } from './redis-live-pubsub';

/** Over Redis with REDIS_URL, reaching every process; in this process only otherwise. */
export function createLivePubSub(
  settings: EventBusSettings,
  log: Logger,
  options: LivePubSubOptions = {},
): LivePubSub {
  return settings.redisUrl
    ? new RedisLivePubSub(settings.redisUrl, log, settings.streamPrefix, options)
    : new InProcessLivePubSub(log, options);
}
