import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { prepareTestDatabase, SUBGRAPHS, TEST_LOG_DIR_VARIABLE, testLogFile } from '@shop/testing';
import { loadStackConfig, startStack, type RunningStack, type StackOptions } from '@shop/stack';

/** A running test stack and the environment it was started from (databases, Redis, streams). */
export interface RunningTestStack extends RunningStack {
  env: Record<string, string>;
}

/**
 * The six subgraphs and the router in this process, on free ports, each
 * subgraph on its own freshly migrated and seeded database on the machine's
 * PostgreSQL, with domain events over the machine's Redis in streams of this
 * run's own (so parallel workers never share them).
 */
export async function startTestStack(
  extraEnv: Record<string, string> = {},
  options: StackOptions = {},
): Promise<RunningTestStack> {
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    // Inside a jest run, every line (debug included) goes to a file the
    // global teardown scans for card data; elsewhere the stack stays quiet.
    ...(process.env[TEST_LOG_DIR_VARIABLE]
      ? { LOG_LEVEL: 'debug', LOG_FILE: testLogFile('stack') }
      : { LOG_LEVEL: 'silent' }),
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
  const stack = await startStack(loadStackConfig({ ...env, ...extraEnv }), undefined, options);
  return {
    ...stack,
    env: { ...env, ...extraEnv },
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

/**
 * Stops one subgraph of the stack now, for another process to take its place
 * (same database, same streams); the stack's own stop then passes it by, as
 * a subgraph's stop runs once.
 */
export async function handOver(stack: RunningStack, name: string): Promise<void> {
  const subgraph = stack.subgraphs.find((candidate) => candidate.name === name);
  if (!subgraph) throw new Error(`The stack runs no ${name} subgraph`);
  await subgraph.stop();
  subgraph.stop = () => Promise.resolve();
}
