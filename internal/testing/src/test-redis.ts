import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { liveChannel, type LiveFeed, type LiveTopic } from '@shop/events';

/** The machine's Redis, as the tests use it. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedisSettings {
  redisUrl: string;
  /** Prefixes this test's streams and channels, so no other test reads them. */
  streamPrefix: string;
}

/** Redis for one test file: event streams and live channels of its own. */
export function testRedisSettings(): TestRedisSettings {
  return { redisUrl: TEST_REDIS_URL, streamPrefix: `test-${randomUUID()}:` };
}

/** Removes the streams a test left under its prefix. */
export async function deleteTestStreams(settings: TestRedisSettings): Promise<void> {
  await withRedis(settings.redisUrl, async (redis) => {
    const keys = await redis.keys(`${settings.streamPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  });
}

/**
 * How many processes listen to a live topic now (PUBSUB NUMSUB: each
 * process holds one subscription per topic, whatever its number of
 * subscribers). A GraphQL subscription is not acknowledged to its client, so
 * a test waits for this before making the change it expects news of.
 */
export function processesListening<F extends LiveFeed>(
  settings: TestRedisSettings,
  topic: LiveTopic<F>,
): Promise<number> {
  return withRedis(settings.redisUrl, async (redis) => {
    const [, count] = (await redis.pubsub('NUMSUB', liveChannel(settings.streamPrefix, topic))) as [
      string,
      number | string,
    ];
    return Number(count);
  });
}

async function withRedis<T>(url: string, work: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url);
  try {
    return await work(redis);
  } finally {
    await redis.quit();
  }
}
