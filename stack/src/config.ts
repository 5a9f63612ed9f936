import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_SUBGRAPH_PORTS, type SubgraphName } from '@shop/federation';
import {
  booleanFlag,
  currentEnvironment,
  loadConfig,
  logLevel,
  port,
  postgresUrl,
  subgraphDatabaseUrl,
} from '@shop/platform';

/** The repository root, where .data/ and supergraph.yaml live. */
export const REPO_ROOT = path.resolve(__dirname, '../..');

export const SUBGRAPH_NAMES = Object.keys(DEFAULT_SUBGRAPH_PORTS) as SubgraphName[];

/** DATABASE_URL_PRODUCTS, PRODUCTS_PORT, ...: the variables named after a subgraph. */
export const subgraphVariable = (name: SubgraphName, variable: 'DATABASE_URL' | 'PORT' | 'URL') =>
  variable === 'DATABASE_URL'
    ? `DATABASE_URL_${name.toUpperCase()}`
    : `${name.toUpperCase()}_${variable}`;

/**
 * What npm start itself decides; each service reads its own variables from
 * the environment the supervisor hands on. Without DATABASE_URL_<SUBGRAPH>
 * (and without REDIS_URL or EVENTS_DATABASE_URL for events), the stack runs
 * an embedded PostgreSQL server with its data in DATA_DIR.
 */
export function loadStackConfig(env: Record<string, string | undefined> = currentEnvironment()) {
  const subgraphVariables = Object.fromEntries(
    SUBGRAPH_NAMES.flatMap((name) => [
      [subgraphVariable(name, 'PORT'), port(DEFAULT_SUBGRAPH_PORTS[name])],
      [subgraphVariable(name, 'DATABASE_URL'), subgraphDatabaseUrl.optional()],
    ]),
  );
  const config = loadConfig(
    {
      LOG_LEVEL: logLevel,
      /** Append every process's log lines to this file instead of stdout. */
      LOG_FILE: z.string().optional(),
      DATA_DIR: z.string().default(path.join(REPO_ROOT, '.data')),
      SEED_DEMO_DATA: booleanFlag(true),
      HOST: z.string().default('127.0.0.1'),
      PORT: port(4000),
      REDIS_URL: z.string().url().optional(),
      EVENTS_DATABASE_URL: postgresUrl.optional(),
      EMBEDDED_DB_PORT: port(0),
      /** How long a service may take from spawn to serving (migrations and seeding included). */
      SERVICE_READY_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(120_000),
      /** How long a service may take to drain at stop before it is killed. */
      SERVICE_STOP_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
      ...subgraphVariables,
    },
    env,
  ) as Record<string, unknown>;
  return {
    env,
    logLevel: config.LOG_LEVEL as string,
    logFile: config.LOG_FILE as string | undefined,
    dataDir: path.resolve(config.DATA_DIR as string),
    seed: config.SEED_DEMO_DATA as boolean,
    host: config.HOST as string,
    routerPort: config.PORT as number,
    subgraphs: SUBGRAPH_NAMES.map((name) => ({
      name,
      port: config[subgraphVariable(name, 'PORT')] as number,
      databaseUrl: config[subgraphVariable(name, 'DATABASE_URL')] as string | undefined,
    })),
    events: {
      redisUrl: config.REDIS_URL as string | undefined,
      eventsDatabaseUrl: config.EVENTS_DATABASE_URL as string | undefined,
    },
    embeddedDbPort: config.EMBEDDED_DB_PORT as number,
    readyTimeoutMs: config.SERVICE_READY_TIMEOUT_MS as number,
    stopTimeoutMs: config.SERVICE_STOP_TIMEOUT_MS as number,
  };
}

export type StackConfig = ReturnType<typeof loadStackConfig>;
