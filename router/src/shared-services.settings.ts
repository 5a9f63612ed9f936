import { z } from 'zod';
import { postgresUrl } from '@shop/platform';

/**
 * The services several features of the router use: the rate limits, the
 * failed sign-in count and the caches share Redis; the entity cache hears
 * the subgraphs' changes on Redis or, without it, on PostgreSQL. Each
 * feature's settings carry what it uses of them.
 */
export const sharedServiceVariables = {
  /**
   * Redis, shared by every router instance: rate-limit buckets, failed
   * sign-ins, the entity cache, plans and persisted queries, and the
   * subgraphs' entity-change news.
   * @default unset: all of them in this process
   */
  REDIS_URL: z.string().url().optional(),
  /**
   * Without Redis, the PostgreSQL database where subgraphs announce entity
   * changes (LISTEN/NOTIFY), as theirs.
   * @default unset
   */
  EVENTS_DATABASE_URL: postgresUrl.optional(),
  /**
   * The subgraphs' namespace of events and live channels; the cache and
   * rate-limit keys are under it too, so deployments (or test runs) sharing
   * one Redis stay apart.
   * @default ''
   */
  EVENT_STREAM_PREFIX: z.string().default(''),
};
