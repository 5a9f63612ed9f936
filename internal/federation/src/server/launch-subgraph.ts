import type { GraphQLSchema } from 'graphql';
import { applyMigrations } from '@shop/database';
import { createEventBus, createLivePubSub, type EventBus, type LivePubSub } from '@shop/events';
import {
  createLogger,
  createServiceObservability,
  EventLagMetric,
  type Logger,
  type ObservabilityOptions,
  type ObservabilitySettings,
} from '@shop/platform';
import { withEventLag } from './event-lag-bus';
import type { BaseContext } from './request-context';
import { startSubgraphServer, type RunningSubgraph } from './subgraph-server';

/** What every subgraph's config.ts yields, whatever else it adds. */
export interface SubgraphSettings {
  production: boolean;
  logLevel: string;
  host: string;
  port: number;
  databaseUrl: string;
  poolSize: number;
  /** Verifies the identity header the router signs; requests without it are refused. */
  identitySecret: string;
  /** Redis for domain events between processes; without it events stay in this process. */
  redisUrl?: string;
  /** Prefixed to every event stream key in Redis, and to the live pub/sub's channels. */
  streamPrefix?: string;
  /** How often graphql-ws sockets are pinged (DEFAULT_SUBSCRIPTION_KEEPALIVE_MS unless set). */
  subscriptionKeepAliveMs?: number;
  /** /metrics and tracing; metrics on and tracing off when not given. */
  observability?: ObservabilitySettings;
}

/** What a subgraph runs beside its server: outbox relay, event consumers, live feeds, sweepers. */
export interface SubgraphRuntime {
  bus: EventBus;
  /** Where live feeds publish what subscriptions listen to. */
  pubSub: LivePubSub;
  log: Logger;
}

export interface Stoppable {
  stop(): Promise<void>;
}

interface PrismaLike {
  $queryRawUnsafe(query: string): Promise<unknown>;
  $disconnect(): Promise<void>;
}

/** A subgraph, described by what differs between subgraphs. */
export interface SubgraphDefinition<
  Db extends { prisma: PrismaLike },
  Context extends BaseContext,
> {
  name: string;
  migrationsDir: string;
  connect(databaseUrl: string, poolSize: number): Db;
  buildSchema(): Promise<GraphQLSchema>;
  /** Builds the context from what every subgraph's context starts from. */
  context(db: Db, log: Logger): (base: BaseContext) => Promise<Context> | Context;
  /** Loads the demo data when the database is empty. */
  seed?(db: Db, log: Logger): Promise<unknown>;
  /** Starts the background work (relay, consumers, jobs); stopped before the database closes. */
  background?(db: Db, runtime: SubgraphRuntime): Promise<Stoppable> | Stoppable;
}

export interface LaunchOptions {
  log?: Logger;
  /** Load the demo data when the database is empty. */
  seed?: boolean;
  /** A bus shared with other subgraphs in this process; otherwise one from REDIS_URL. */
  bus?: EventBus;
  /** A live pub/sub shared with other subgraphs in this process; otherwise one from REDIS_URL. */
  pubSub?: LivePubSub;
  /** Where spans go besides OTLP (tests pass an in-memory exporter). */
  observability?: ObservabilityOptions;
}

export interface LaunchedSubgraph<Db> extends RunningSubgraph {
  db: Db;
  bus: EventBus;
  pubSub: LivePubSub;
}

export const DEFAULT_SUBSCRIPTION_KEEPALIVE_MS = 12_000;

/**
 * Migrates the subgraph's schema, connects, optionally seeds, and serves it.
 * The same path runs a subgraph as its own process (main.ts) and inside the
 * embedded stack.
 */
export async function launchSubgraph<
  Db extends { prisma: PrismaLike },
  Context extends BaseContext,
>(
  definition: SubgraphDefinition<Db, Context>,
  settings: SubgraphSettings,
  options: LaunchOptions = {},
): Promise<LaunchedSubgraph<Db>> {
  const log = options.log ?? createLogger(definition.name, settings.logLevel);
  await applyMigrations(settings.databaseUrl, definition.migrationsDir, log);
  const db = definition.connect(settings.databaseUrl, settings.poolSize);
  const observability = createServiceObservability(
    definition.name,
    settings.observability ?? { metricsEnabled: true },
    options.observability,
  );
  // A bus given by the caller (the embedded stack shares one) is the caller's to close.
  const sharedOrOwnBus = options.bus ?? createEventBus(settings, log);
  const closeBus = options.bus ? async () => undefined : () => sharedOrOwnBus.close();
  const bus = observability.registry
    ? withEventLag(sharedOrOwnBus, new EventLagMetric(observability.registry))
    : sharedOrOwnBus;
  const pubSub = options.pubSub ?? createLivePubSub(settings, log);
  const closePubSub = options.pubSub ? async () => undefined : () => pubSub.close();
  let background: Stoppable | undefined;
  try {
    if (options.seed && definition.seed) await definition.seed(db, log);
    background = await definition.background?.(db, { bus, pubSub, log });
    const running = await startSubgraphServer({
      name: definition.name,
      schema: await definition.buildSchema(),
      host: settings.host,
      port: settings.port,
      log,
      production: settings.production,
      context: definition.context(db, log),
      identitySecret: settings.identitySecret,
      pubSub,
      keepAliveMs: settings.subscriptionKeepAliveMs ?? DEFAULT_SUBSCRIPTION_KEEPALIVE_MS,
      health: async () => {
        await db.prisma.$queryRawUnsafe('SELECT 1');
      },
      observability,
    });
    return {
      ...running,
      db,
      bus,
      pubSub,
      async stop() {
        await running.stop();
        await background?.stop();
        await closePubSub();
        await closeBus();
        await db.prisma.$disconnect();
        await observability.shutdown();
      },
    };
  } catch (error) {
    await background?.stop();
    await closePubSub();
    await closeBus();
    await db.prisma.$disconnect();
    await observability.shutdown();
    throw error;
  }
}
