import { closeRedis, connectFailFastRedis, createLivePubSub, type LivePubSub } from '@shop/events';
import type { Logger } from '@shop/platform';
import type { CachingSettings } from './caching.settings';
import type { FetchCache, PlanStore } from '../execution/caches';
import type { EntityCacheMetrics } from '../observability/entity-cache-metrics';
import { startEntityInvalidation, type EntityInvalidation } from './entity-invalidation';
import type { EntryStore } from './entry-store';
import { MemoryEntryStore } from './memory-entry-store';
import { RedisEntryStore } from './redis-entry-store';
import { RedisKeyValueCache, type ApolloCache } from './redis-key-value-cache';
import { RedisPlanStore } from './redis-plan-store';
import { StoredFetchCache } from './stored-fetch-cache';

export interface RouterCaches {
  /** Absent with ENTITY_CACHE=false: every fetch goes to its subgraph. */
  fetchCache?: FetchCache;
  /** Absent without Redis: the executor's own in-memory LRU is all there is. */
  planStore?: PlanStore;
  /** Absent without Redis: Apollo Server's bounded in-memory default. */
  apolloCache?: ApolloCache;
  close(): Promise<void>;
}

/**
 * The router's caches from its config: on Redis when REDIS_URL is set, so
 * every instance shares them, in this process otherwise. The entity cache
 * listens for `entityChanged` on `sharedPubSub` (a test stack in one process
 * passes its own) or on a live pub/sub of its own (REDIS_URL or EVENTS_DATABASE_URL).
 * `metrics` hears of its hits, misses and evictions.
 */
export async function createRouterCaches(
  settings: CachingSettings,
  log: Logger,
  sharedPubSub?: LivePubSub,
  metrics?: EntityCacheMetrics,
): Promise<RouterCaches> {
  const cacheLog = log.child({ component: 'cache' });
  // Without Redis the router still starts: its caches miss (within 1 s) until Redis answers.
  const redis = settings.redisUrl
    ? await connectFailFastRedis(settings.redisUrl, cacheLog, 'caches', 1_000)
    : undefined;

  let pubSub: LivePubSub | undefined;
  let invalidation: EntityInvalidation | undefined;
  let fetchCache: FetchCache | undefined;
  if (settings.entityCache) {
    const store: EntryStore = redis
      ? new RedisEntryStore(redis, settings.keyPrefix)
      : new MemoryEntryStore(
          { maxEntries: settings.maxEntries, maxBytes: settings.maxBytes },
          metrics?.evicted,
        );
    // Changes are announced by subgraphs on the live pub/sub (Redis, or PostgreSQL without it).
    const { events } = settings;
    pubSub =
      sharedPubSub ??
      (events.redisUrl || events.eventsDatabaseUrl ? createLivePubSub(events, log) : undefined);
    if (pubSub) invalidation = await startEntityInvalidation(pubSub, store, cacheLog);
    else cacheLog.warn('no pub/sub to hear entity changes: cached entries live until their TTL');
    fetchCache = new StoredFetchCache(store, cacheLog, metrics);
  }

  return {
    fetchCache,
    planStore: redis && new RedisPlanStore(redis, settings.keyPrefix, cacheLog),
    apolloCache: redis && new RedisKeyValueCache(redis, settings.keyPrefix),
    async close() {
      await invalidation?.stop();
      if (pubSub !== sharedPubSub) await pubSub?.close();
      if (redis) await closeRedis(redis);
    },
  };
}
