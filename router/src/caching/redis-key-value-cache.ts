import type Redis from 'ioredis';
import type { ApolloServerOptions, BaseContext } from '@apollo/server';

/** Apollo Server's `cache` (persisted queries live there): KeyValueCache of @apollo/utils.keyvaluecache. */
export type ApolloCache = Exclude<
  NonNullable<ApolloServerOptions<BaseContext>['cache']>,
  'bounded'
>;

/**
 * Apollo Server's key-value cache on Redis, so a persisted query registered
 * through one router instance is known to all. Apollo Server prefixes its
 * own keys (`apq:`); the TTL it passes is in seconds, none means no expiry.
 */
export class RedisKeyValueCache implements ApolloCache {
  constructor(
    private readonly redis: Redis,
    /** CACHE_KEY_PREFIX. */
    private readonly prefix: string,
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    if (options?.ttl) await this.redis.set(this.prefix + key, value, 'EX', options.ttl);
    else await this.redis.set(this.prefix + key, value);
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.del(this.prefix + key)) > 0;
  }
}
