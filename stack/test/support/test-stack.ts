import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { composeSupergraph } from '@shop/composition';
import { createEventBus, createLivePubSub } from '@shop/events';
import type { LaunchedSubgraph } from '@shop/federation';
import { createLogger, type ObservabilityOptions } from '@shop/platform';
import { loadRouterConfig, startRouter, type RunningRouter } from '@shop/router';
import { subgraphSdls, SUBGRAPHS } from '@shop/stack';
import {
  prepareTestDatabase,
  TcpRelay,
  TEST_LOG_DIR_VARIABLE,
  testLogFile,
  testMailboxDir,
} from '@shop/testing';

/** The seven subgraphs and the router of a test, with the environment they were started from. */
export interface RunningStack {
  router: RunningRouter;
  subgraphs: LaunchedSubgraph<unknown, unknown>[];
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Given to every service (tests pass an in-memory span exporter); each names itself in its spans. */
  observability?: ObservabilityOptions;
}

/**
 * The seven subgraphs and the router in this process (npm start runs each in
 * its own; the subgraphs are launched the same way), on free ports, each
 * subgraph on its own freshly migrated and seeded database on the machine's
 * PostgreSQL, with domain events over the machine's Redis in streams of this
 * run's own (so parallel workers never share them). Tests reach into the
 * subgraphs (their databases, a stop to hand one over to another process).
 */
export async function startTestStack(
  extraEnv: Record<string, string> = {},
  options: StackOptions = {},
): Promise<RunningStack> {
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
    DATABASE_POOL_SIZE: '4',
    // E-mail goes to a mailbox the card-data scan reads; retries come quickly.
    MAILBOX_DIR: testMailboxDir('stack'),
    NOTIFY_RETRY_BASE_MS: '100',
    NOTIFY_POLL_MS: '100',
  };
  for (const subgraph of SUBGRAPHS) {
    const key = subgraph.name.toUpperCase();
    env[`DATABASE_URL_${key}`] = await prepareTestDatabase(subgraph.name);
    env[`${key}_PORT`] = '0';
  }
  Object.assign(env, extraEnv);
  const logOf = (name: string, level = env.LOG_LEVEL) => createLogger(name, level, env.LOG_FILE);
  const log = logOf('stack');
  // One bus and one live pub/sub for the whole process, over Redis.
  const events = { redisUrl: env.REDIS_URL, streamPrefix: env.EVENT_STREAM_PREFIX };
  const bus = createEventBus(events, log);
  const pubSub = createLivePubSub(events, log);
  const started: LaunchedSubgraph<unknown, unknown>[] = [];
  // Inventory calls orders too (its sweeper asks about expired holds), and orders starts after
  // it: a relay holds orders' address until orders listens, unless one is configured.
  const ordersRelay = new TcpRelay(0);
  if (!env.ORDERS_URL) {
    await ordersRelay.listen();
    env.ORDERS_URL = `http://127.0.0.1:${ordersRelay.port}/graphql`;
  }
  const stopSubgraphs = async () => {
    // Callers first (orders calls users, inventory and payments): a checkout
    // still running in orders finishes against siblings that still answer.
    for (const subgraph of [...started].reverse()) await subgraph.stop();
    await ordersRelay.close();
    await pubSub.close();
    await bus.close();
  };
  try {
    for (const subgraph of SUBGRAPHS) {
      const launched = await subgraph.start(env, {
        log: logOf(subgraph.name),
        seed: true,
        bus,
        pubSub,
        observability: options.observability,
      });
      started.push(launched);
      if (subgraph.name === 'orders') ordersRelay.targetPort = Number(new URL(launched.url).port);
      // Subgraphs started later call this one here (orders → INVENTORY_URL), unless configured.
      env[`${subgraph.name.toUpperCase()}_URL`] ??= launched.url;
    }
    const urls = Object.fromEntries(started.map((subgraph) => [subgraph.name, subgraph.url]));
    const { supergraphSdl } = composeSupergraph(
      (await subgraphSdls()).map(({ name, sdl }) => ({ name, sdl, url: urls[name] as string })),
    );
    const routerConfig = loadRouterConfig(env);
    const router = await startRouter(
      routerConfig,
      supergraphSdl,
      logOf('router', routerConfig.server.logLevel),
      {
        pubSub,
        observability: options.observability,
      },
    );
    return {
      router,
      subgraphs: started,
      env,
      async stop() {
        await router.stop();
        await stopSubgraphs();
        await deleteStreams(env.REDIS_URL!, env.EVENT_STREAM_PREFIX!);
      },
    };
  } catch (error) {
    await stopSubgraphs();
    throw error;
  }
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
