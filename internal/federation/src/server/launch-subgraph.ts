import type { GraphQLSchema } from 'graphql';
import { applyMigrations } from '@shop/database';
import { createEventBus, type EventBus } from '@shop/events';
import { createLogger, type Logger } from '@shop/platform';
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
  /** Prefixed to every event stream key in Redis. */
  streamPrefix?: string;
}

/** What a subgraph runs beside its server: outbox relay, event consumers, sweepers. */
export interface SubgraphRuntime {
  bus: EventBus;
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
}

export interface LaunchedSubgraph<Db> extends RunningSubgraph {
  db: Db;
  bus: EventBus;
}

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
  // A bus given by the caller (the embedded stack shares one) is the caller's to close.
  const bus = options.bus ?? createEventBus(settings, log);
  const closeBus = options.bus ? async () => undefined : () => bus.close();
  let background: Stoppable | undefined;
  try {
    if (options.seed && definition.seed) await definition.seed(db, log);
    background = await definition.background?.(db, { bus, log });
    const running = await startSubgraphServer({
      name: definition.name,
      schema: await definition.buildSchema(),
      host: settings.host,
      port: settings.port,
      log,
      production: settings.production,
      context: definition.context(db, log),
      identitySecret: settings.identitySecret,
      health: async () => {
        await db.prisma.$queryRawUnsafe('SELECT 1');
      },
    });
    return {
      ...running,
      db,
      bus,
      async stop() {
        await running.stop();
        await background?.stop();
        await closeBus();
        await db.prisma.$disconnect();
      },
    };
  } catch (error) {
    await background?.stop();
    await closeBus();
    await db.prisma.$disconnect();
    throw error;
  }
}
