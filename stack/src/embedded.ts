import path from 'node:path';
import { startEmbeddedPostgres, withSchema, type EmbeddedPostgres } from '@shop/database';
import type { LaunchedSubgraph } from '@shop/federation';
import { composeSupergraph } from '@shop/composition';
import { createEventBus, createLivePubSub } from '@shop/events';
import { createLogger, type Logger, type ObservabilityOptions } from '@shop/platform';
import { loadRouterConfig, startRouter, subgraphEnvKey, type RunningRouter } from '@shop/router';
import type { StackConfig } from './config';
import { registerEmbeddedDatabaseMetrics } from './embedded-database-metrics';
import { subgraphSdls } from './subgraph-sdl';
import { SUBGRAPHS } from './subgraphs';

export interface RunningStack {
  router: RunningRouter;
  subgraphs: LaunchedSubgraph<unknown>[];
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Given to every service (tests pass an in-memory span exporter); each names itself in its spans. */
  observability?: ObservabilityOptions;
}

/**
 * The whole supergraph in one process: the six subgraphs on their own ports
 * (each with its own schema, Prisma client and loaders), and the router over
 * a supergraph composed from the running subgraphs. A subgraph with
 * DATABASE_URL_<NAME> set uses that server; the others share one embedded
 * PGlite database, a PostgreSQL schema each.
 */
export async function startStack(
  config: StackConfig,
  log: Logger = createLogger('stack', config.logLevel, config.logFile),
  options: StackOptions = {},
): Promise<RunningStack> {
  const needsEmbedded = SUBGRAPHS.some(
    (subgraph) => !config.env[`DATABASE_URL_${subgraphEnvKey(subgraph.name)}`],
  );
  let embedded: EmbeddedPostgres | undefined;
  if (needsEmbedded) {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(config.dataDir, 'pglite'),
      port: config.embeddedDbPort,
    });
    log.info({ url: embedded.url }, 'embedded PostgreSQL (PGlite) ready');
  }

  const env: Record<string, string | undefined> = { ...config.env };
  for (const subgraph of SUBGRAPHS) {
    const key = `DATABASE_URL_${subgraphEnvKey(subgraph.name)}`;
    if (!env[key] && embedded) env[key] = withSchema(embedded.url, subgraph.name);
  }

  // One bus and one live pub/sub for the whole process: Redis with REDIS_URL, in memory otherwise.
  const bus = createEventBus(config.events, log);
  const pubSub = createLivePubSub(config.events, log);
  const started: LaunchedSubgraph<unknown>[] = [];
  try {
    // One after another: on the embedded database every migration and seed
    // runs on one PGlite session anyway, and the log reads in order.
    for (const subgraph of SUBGRAPHS) {
      const launched = await subgraph.start(env, {
        log: createLogger(subgraph.name, config.logLevel, config.logFile),
        seed: config.seed,
        bus,
        pubSub,
        observability: options.observability,
      });
      started.push(launched);
      // Subgraphs started later call this one here (e.g. orders → INVENTORY_URL), unless configured.
      env[`${subgraphEnvKey(subgraph.name)}_URL`] ??= launched.url;
    }

    const urls = Object.fromEntries(started.map((subgraph) => [subgraph.name, subgraph.url]));
    const { supergraphSdl } = composeSupergraph(
      (await subgraphSdls()).map(({ name, sdl }) => ({ name, sdl, url: urls[name] as string })),
    );
    const routerConfig = loadRouterConfig(env);
    const router = await startRouter(
      routerConfig,
      supergraphSdl,
      createLogger('router', routerConfig.logLevel, config.logFile),
      // Subgraphs announce entity changes here; the router's cache listens.
      {
        pubSub,
        observability: options.observability,
        registerMetrics: embedded
          ? (registry) => registerEmbeddedDatabaseMetrics(registry, embedded)
          : undefined,
      },
    );

    return {
      router,
      subgraphs: started,
      async stop() {
        await router.stop();
        // Callers first (orders calls users, inventory and payments): a checkout
        // still running in orders finishes against siblings that still answer.
        for (const subgraph of [...started].reverse()) await subgraph.stop();
        await pubSub.close();
        await bus.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await Promise.all(started.map((subgraph) => subgraph.stop().catch(() => undefined)));
    await pubSub.close();
    await bus.close();
    await embedded?.stop();
    throw error;
  }
}
