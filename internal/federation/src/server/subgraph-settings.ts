import { z } from 'zod';
import { identitySettings } from '@shop/identity';
import {
  booleanFlag,
  loadConfig,
  logLevel,
  nodeEnv,
  observabilitySettingsOf,
  observabilityVariables,
  port,
  postgresUrl,
  runsInProduction,
  subgraphDatabaseUrl,
} from '@shop/platform';
import { DEFAULT_SUBSCRIPTION_KEEPALIVE_MS, type SubgraphSettings } from './launch-subgraph';

/** Default ports, 4001–4007, so a developer can reach each subgraph directly. */
export const DEFAULT_SUBGRAPH_PORTS = {
  users: 4001,
  products: 4002,
  orders: 4003,
  payments: 4004,
  inventory: 4005,
  search: 4006,
  notifications: 4007,
} as const;

/**
 * Events of commits this close together travel together (EVENT_LINGER_MS):
 * a pause well under what a person notices, which under checkouts turns a
 * relay pass, a read, an acknowledgement and a consumer's transaction per
 * event into one per batch.
 */
export const DEFAULT_EVENT_LINGER_MS = 20;

export type SubgraphName = keyof typeof DEFAULT_SUBGRAPH_PORTS;

/**
 * The settings every subgraph reads, named after it: <NAME>_PORT and
 * DATABASE_URL_<NAME> (e.g. PRODUCTS_PORT, DATABASE_URL_PRODUCTS), plus the
 * shared NODE_ENV, LOG_LEVEL, HOST, DATABASE_POOL_SIZE, IDENTITY_SECRET,
 * REDIS_URL or EVENTS_DATABASE_URL, EVENT_STREAM_PREFIX, EVENT_LINGER_MS, SEED_DEMO_DATA,
 * SUBSCRIPTION_KEEPALIVE_MS, METRICS_ENABLED and the
 * OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT. A subgraph's own
 * variables come in `extra` and are parsed with the rest, so one start names
 * every bad variable; they come back under `own`.
 */
export function loadSubgraphSettings<Extra extends z.ZodRawShape = Record<never, z.ZodType>>(
  name: SubgraphName,
  env?: Record<string, string | undefined>,
  extra?: Extra,
): SubgraphSettings & { own: z.infer<z.ZodObject<Extra>> } {
  const upper = name.toUpperCase();
  const production = runsInProduction(env);
  const config = loadConfig(
    {
      ...extra,
      NODE_ENV: nodeEnv,
      LOG_LEVEL: logLevel,
      HOST: z.string().default('127.0.0.1'),
      [`${upper}_PORT`]: port(DEFAULT_SUBGRAPH_PORTS[name]),
      [`DATABASE_URL_${upper}`]: subgraphDatabaseUrl,
      DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
      IDENTITY_SECRET: identitySettings(production).IDENTITY_SECRET,
      REDIS_URL: z.string().url().optional(),
      EVENTS_DATABASE_URL: postgresUrl.optional(),
      SEED_DEMO_DATA: booleanFlag(false),
      EVENT_STREAM_PREFIX: z.string().default(''),
      EVENT_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(DEFAULT_EVENT_LINGER_MS),
      SUBSCRIPTION_KEEPALIVE_MS: z.coerce
        .number()
        .int()
        .min(1_000)
        .max(300_000)
        .default(DEFAULT_SUBSCRIPTION_KEEPALIVE_MS),
      ...observabilityVariables,
    },
    env,
  ) as Record<string, unknown>;
  const own = Object.fromEntries(Object.keys(extra ?? {}).map((key) => [key, config[key]]));
  return {
    production,
    logLevel: config.LOG_LEVEL as string,
    host: config.HOST as string,
    port: config[`${upper}_PORT`] as number,
    databaseUrl: config[`DATABASE_URL_${upper}`] as string,
    poolSize: config.DATABASE_POOL_SIZE as number,
    redisUrl: config.REDIS_URL as string | undefined,
    eventsDatabaseUrl: config.EVENTS_DATABASE_URL as string | undefined,
    seedDemoData: config.SEED_DEMO_DATA as boolean,
    streamPrefix: config.EVENT_STREAM_PREFIX as string,
    eventLingerMs: config.EVENT_LINGER_MS as number,
    subscriptionKeepAliveMs: config.SUBSCRIPTION_KEEPALIVE_MS as number,
    observability: observabilitySettingsOf(config as Parameters<typeof observabilitySettingsOf>[0]),
    identitySecret: config.IDENTITY_SECRET as string,
    own: own as z.infer<z.ZodObject<Extra>>,
  };
}
