import { z } from 'zod';
import { booleanFlag, type VariablesOf } from '@shop/platform';
import type { sharedServiceVariables } from '../shared-services.settings';

/**
 * The entity cache of public subgraph answers, plans and persisted queries:
 * in Redis with REDIS_URL, shared by every instance; in this process without it.
 */
export const cachingVariables = {
  /**
   * Reuse public subgraph answers (cache-control: public) until their TTL or
   * until a subgraph announces the entity changed.
   * @default true
   */
  ENTITY_CACHE: booleanFlag(true),
  /**
   * Entries the in-process entity cache holds (without REDIS_URL).
   * @default 10000
   */
  ENTITY_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).default(10_000),
  /**
   * Bytes the in-process entity cache holds (without REDIS_URL).
   * @default 67108864 (64 MiB)
   */
  ENTITY_CACHE_MAX_BYTES: z.coerce.number().int().min(1024).default(67_108_864),
  /**
   * The caches' Redis key prefix.
   * @default EVENT_STREAM_PREFIX + 'cache:'
   */
  CACHE_KEY_PREFIX: z.string().optional(),
};

export function cachingSettingsOf(
  variables: VariablesOf<typeof cachingVariables & typeof sharedServiceVariables>,
) {
  return {
    /** Shared by every instance when set; in this process otherwise. */
    redisUrl: variables.REDIS_URL,
    entityCache: variables.ENTITY_CACHE,
    maxEntries: variables.ENTITY_CACHE_MAX_ENTRIES,
    maxBytes: variables.ENTITY_CACHE_MAX_BYTES,
    // Under the event namespace by default: the invalidations a router hears
    // (on EVENT_STREAM_PREFIX's channels) are for the entries it can see.
    keyPrefix: variables.CACHE_KEY_PREFIX ?? `${variables.EVENT_STREAM_PREFIX}cache:`,
    /** Where subgraphs announce changes: the live pub/sub, on Redis or PostgreSQL, and its namespace. */
    events: {
      redisUrl: variables.REDIS_URL,
      eventsDatabaseUrl: variables.EVENTS_DATABASE_URL,
      streamPrefix: variables.EVENT_STREAM_PREFIX,
    },
  };
}

export type CachingSettings = ReturnType<typeof cachingSettingsOf>;
