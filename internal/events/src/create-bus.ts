import type { Logger } from '@shop/platform';
import type { EventBus } from './bus';
import { InProcessEventBus } from './in-process-bus';
import { RedisStreamsEventBus } from './redis-streams-bus';

export interface EventBusSettings {
  /** Redis Streams when set; in memory (one process: the embedded mode) otherwise. */
  redisUrl?: string;
  /** Prefixed to every stream key (EVENT_STREAM_PREFIX). */
  streamPrefix?: string;
}

export function createEventBus(settings: EventBusSettings, log: Logger): EventBus {
  return settings.redisUrl
    ? new RedisStreamsEventBus(settings.redisUrl, log, settings.streamPrefix)
    : new InProcessEventBus(log);
}
