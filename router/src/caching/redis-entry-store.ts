import type Redis from 'ioredis';
import type { EntryStore, StoredEntry } from './entry-store';

/**
 * Drops a tag's entries and the tag in one command, so a read sent after it
 * on the same connection never sees what it dropped. Keys are built by the
 * script from the tag's members: a single Redis, not a cluster.
 */
const INVALIDATE_SCRIPT = `
local keys = redis.call('SMEMBERS', KEYS[1])
for i = 1, #keys, 500 do
  redis.call('DEL', unpack(keys, i, math.min(i + 499, #keys)))
end
redis.call('DEL', KEYS[1])
return #keys`;

/**
 * Entries in Redis, shared by every router instance: each a string with its
 * TTL, and per entity tag a set of the keys holding it, kept as long as its
 * longest-lived entry (a key that expired earlier is a harmless member).
 */
export class RedisEntryStore implements EntryStore {
  constructor(
    private readonly redis: Redis,
    /** Namespaces every key (CACHE_KEY_PREFIX). */
    private readonly prefix: string,
  ) {}

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    if (keys.length === 0) return [];
    const values = await this.redis.mget(keys.map((key) => this.prefix + key));
    return values.map((value) => value ?? undefined);
  }

  async set(entries: readonly StoredEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { key, value, ttlSeconds, tags } of entries) {
      const ttlMs = ttlSeconds * 1000;
      pipeline.set(this.prefix + key, value, 'PX', ttlMs);
      for (const tag of tags) {
        const tagKey = this.tagKey(tag);
        pipeline.sadd(tagKey, this.prefix + key);
        // NX for a new set, GT to outlive its longest entry.
        pipeline.pexpire(tagKey, ttlMs, 'NX');
        pipeline.pexpire(tagKey, ttlMs, 'GT');
      }
    }
    const results = (await pipeline.exec()) ?? [];
    const failure = results.find(([error]) => error);
    if (failure) throw failure[0];
  }

  async invalidate(tag: string): Promise<void> {
    await this.redis.eval(INVALIDATE_SCRIPT, 1, this.tagKey(tag));
  }

  private tagKey(tag: string): string {
    return `${this.prefix}tag:${tag}`;
  }
}
