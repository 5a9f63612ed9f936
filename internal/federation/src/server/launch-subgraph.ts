import type { GraphQLSchema } from 'graphql';
import {
  applyMigrations,
  type PoolUse,
  type PrismaRawStatements,
  type SqlSession,
} from '@shop/database';
import {
  createEventBus,
  createLivePubSub,
  Outbox,
  startOutboxRelay,
  type EventBus,
  type LivePubSub,
  type OutboxRelay,
  type Stream,
} from '@shop/events';
import {
  createLogger,
  createServiceObservability,
  EventLagMetric,
  type Logger,
  type ObservabilityOptions,
  type ObservabilitySettings,
  type RouteHandler,
  type ServiceObservability,
} from '@shop/platform';
import { registerDatabaseTraffic, registerPoolUse } from './database-metrics';
import { databaseStartupError } from './database-startup';
import { withEventLag } from './event-lag-bus';
import { registerOutboxBacklog } from './outbox-metrics';
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
  /** Redis Streams and pub/sub carry domain events and live messages when set. */
  redisUrl?: string;
  /** Without Redis, the PostgreSQL database that carries them (a stream table, LISTEN/NOTIFY). */
  eventsDatabaseUrl?: string;
  /** Load the demo data when the database is empty (SEED_DEMO_DATA; what main.ts passes as `seed`). */
  seedDemoData?: boolean;
  /** Prefixed to every event stream and live channel, so deployments sharing a transport stay apart. */
  streamPrefix?: string;
  /** How long consumers and the outbox relay let events gather under load (EVENT_LINGER_MS). */
  eventLingerMs?: number;
  /** How often graphql-ws sockets are pinged (DEFAULT_SUBSCRIPTION_KEEPALIVE_MS unless set). */
  subscriptionKeepAliveMs?: number;
  /** /metrics and tracing; when not given, tracing off and metrics on outside production. */
  observability?: ObservabilitySettings;
}

/** What a subgraph's services are made with, once per launch. */
export interface ServiceRuntime<S extends Stream> {
  /** The outbox of the stream the subgraph publishes (see SubgraphDefinition.publishes). */
  outbox: Outbox<S>;
  /** Where changes are announced live (entity changes for the router's cache). */
  pubSub: LivePubSub;
  log: Logger;
  /** The registry /metrics serves, for the services' own series; undefined when metrics are off. */
  metrics?: ServiceObservability['registry'];
}

/** What a subgraph runs beside its server: event consumers, live feeds, sweepers, jobs. */
export interface SubgraphRuntime {
  bus: EventBus;
  /** Where live feeds publish what subscriptions listen to. */
  pubSub: LivePubSub;
  log: Logger;
}

export interface Stoppable {
  stop(): Promise<void>;
}

type Db = {
  /** Its readiness and backlog reads. */
  prisma: Pick<PrismaRawStatements, '$queryRawUnsafe'>;
  sql: SqlSession;
  schema: string;
  pool: PoolUse;
  disconnect(): Promise<void>;
};

/**
 * A subgraph, described by what differs between subgraphs. launchSubgraph
 * makes its services once and hands the same ones to every request's
 * context and to the background work, and runs the relay of its outbox.
 */
export interface SubgraphDefinition<
  D extends Db,
  Services,
  Context extends BaseContext,
  S extends Stream = never,
> {
  name: string;
  migrationsDir: string;
  connect(databaseUrl: string, poolSize: number): D;
  buildSchema(): Promise<GraphQLSchema>;
  /** The stream this subgraph's outbox is published to, if it publishes events. */
  publishes?: S;
  services(db: D, runtime: ServiceRuntime<S>): Services;
  /** Builds a request's context from what every subgraph's context starts from. */
  context(services: Services): (base: BaseContext) => Promise<Context> | Context;
  /** Loads the demo data when the database is empty. */
  seed?(db: D, log: Logger): Promise<unknown>;
  /** HTTP routes besides GraphQL and the probes, by exact path (the notifications mailbox). */
  routes?(services: Services): Record<string, RouteHandler>;
  /** Starts the background work (consumers, feeds, jobs); stopped before the database closes. */
  background?(db: D, services: Services, runtime: SubgraphRuntime): Promise<Stoppable> | Stoppable;
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

export interface LaunchedSubgraph<D, Services = unknown> extends RunningSubgraph {
  schema: GraphQLSchema;
  db: D;
  services: Services;
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
  D extends Db,
  Services,
  Context extends BaseContext,
  S extends Stream = never,
>(
  definition: SubgraphDefinition<D, Services, Context, S>,
  settings: SubgraphSettings,
  options: LaunchOptions = {},
): Promise<LaunchedSubgraph<D, Services>> {
  const log = options.log ?? createLogger(definition.name, settings.logLevel);
  // The first contact with the database: a failure here is most often where it points.
  await applyMigrations(settings.databaseUrl, definition.migrationsDir, log).catch(
    (error: unknown) => {
      throw databaseStartupError(definition.name, settings.databaseUrl, error) ?? error;
    },
  );
  const db = definition.connect(settings.databaseUrl, settings.poolSize);
  db.pool.on('error', (error) =>
    log.warn({ err: error }, 'idle database connection lost; another opens on next use'),
  );
  const observability = createServiceObservability(
    definition.name,
    // As observabilitySettingsOf: never /metrics on a production subgraph's public port.
    settings.observability ?? { metricsEnabled: !settings.production },
    options.observability,
  );
  if (observability.registry) {
    registerDatabaseTraffic(observability.registry);
    registerPoolUse(observability.registry, db.pool, settings.poolSize);
  }
  // A bus given by the caller (the embedded stack shares one) is the caller's to close.
  const sharedOrOwnBus = options.bus ?? createEventBus(settings, log);
  const closeBus = options.bus ? async () => undefined : () => sharedOrOwnBus.close();
  const bus = observability.registry
    ? withEventLag(sharedOrOwnBus, new EventLagMetric(observability.registry))
    : sharedOrOwnBus;
  const pubSub = options.pubSub ?? createLivePubSub(settings, log);
  const closePubSub = options.pubSub ? async () => undefined : () => pubSub.close();
  const outbox = new Outbox(definition.publishes as S, db.schema);
  if (observability.registry && definition.publishes) {
    registerOutboxBacklog(observability.registry, db.prisma, outbox);
  }
  const services = definition.services(db, {
    outbox,
    pubSub,
    log,
    metrics: observability.registry,
  });
  let relay: OutboxRelay | undefined;
  let background: Stoppable | undefined;
  const stopBackground = async () => {
    // The background first: what it changes while stopping still reaches the relay.
    await background?.stop();
    await relay?.stop();
  };
  try {
    if (options.seed && definition.seed) await definition.seed(db, log);
    if (definition.publishes) {
      relay = startOutboxRelay({
        db,
        outbox,
        bus,
        log: log.child({ job: 'outbox-relay' }),
        lingerMs: settings.eventLingerMs,
      });
    }
    background = await definition.background?.(db, services, { bus, pubSub, log });
    const schema = await definition.buildSchema();
    const running = await startSubgraphServer({
      name: definition.name,
      schema,
      host: settings.host,
      port: settings.port,
      log,
      production: settings.production,
      context: definition.context(services),
      routes: definition.routes?.(services),
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
      schema,
      db,
      services,
      bus,
      pubSub,
      async stop() {
        await running.stop();
        await stopBackground();
        await closePubSub();
        await closeBus();
        await db.disconnect();
        await observability.shutdown();
      },
    };
  } catch (error) {
    await stopBackground();
    await closePubSub();
    await closeBus();
    await db.disconnect();
    await observability.shutdown();
    throw error;
  }
}
