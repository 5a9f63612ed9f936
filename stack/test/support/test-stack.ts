import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { prepareTestDatabase, SUBGRAPHS } from '@shop/testing';
import { loadStackConfig, startStack, type RunningStack } from '@shop/stack';

/**
 * The six subgraphs and the router in this process, on free ports, each
 * subgraph on its own freshly migrated and seeded database on the machine's
 * PostgreSQL, with domain events over the machine's Redis in streams of this
 * run's own (so parallel workers never share them).
 */
export async function startTestStack(extraEnv: Record<string, string> = {}): Promise<RunningStack> {
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    EVENT_STREAM_PREFIX: `test-${randomUUID()}:`,
    ...extraEnv,
  };
  for (const subgraph of SUBGRAPHS) {
    env[`DATABASE_URL_${subgraph.toUpperCase()}`] = await prepareTestDatabase(subgraph);
    env[`${subgraph.toUpperCase()}_PORT`] = '0';
    env.DATABASE_POOL_SIZE = '4';
  }
  const stack = await startStack(loadStackConfig({ ...env, ...extraEnv }));
  return {
    ...stack,
    async stop() {
      await stack.stop();
      await deleteStreams(env.REDIS_URL!, env.EVENT_STREAM_PREFIX!);
    },
  };
}

/** Removes this run's streams from the shared Redis. */
async function deleteStreams(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    await redis.quit();
  }
}
