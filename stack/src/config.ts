import path from 'node:path';
import { z } from 'zod';
import { booleanFlag, currentEnvironment, loadConfig, logLevel } from '@shop/platform';

/** The repository root, where .data/ and supergraph.yaml live. */
export const REPO_ROOT = path.resolve(__dirname, '../..');

/**
 * What the stack itself decides; each subgraph and the router read their own
 * variables from the same environment. Without DATABASE_URL_<SUBGRAPH> the
 * stack serves the embedded PGlite database from DATA_DIR.
 */
export function loadStackConfig(env: Record<string, string | undefined> = currentEnvironment()) {
  const config = loadConfig(
    {
      LOG_LEVEL: logLevel,
      /** Append every log line of the stack to this file instead of stdout. */
      LOG_FILE: z.string().optional(),
      DATA_DIR: z.string().default(path.join(REPO_ROOT, '.data')),
      SEED_DEMO_DATA: booleanFlag(true),
      REDIS_URL: z.string().url().optional(),
      EVENT_STREAM_PREFIX: z.string().default(''),
      EMBEDDED_DB_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    },
    env,
  );
  return {
    env,
    logLevel: config.LOG_LEVEL,
    logFile: config.LOG_FILE,
    dataDir: path.resolve(config.DATA_DIR),
    seed: config.SEED_DEMO_DATA,
    embeddedDbPort: config.EMBEDDED_DB_PORT,
    events: { redisUrl: config.REDIS_URL, streamPrefix: config.EVENT_STREAM_PREFIX },
  };
}

export type StackConfig = ReturnType<typeof loadStackConfig>;
