import { z } from 'zod';
import { booleanFlag, ConfigError, type VariablesOf } from '@shop/platform';
import type { SupergraphSourceSettings } from './supergraph-source';

const DEFAULT_SUPERGRAPH_PATH = 'supergraph.graphql';

/** Where the supergraph comes from, and its reload while serving. */
export const supergraphVariables = {
  /**
   * The composed Federation 2 supergraph to serve, a file watched while serving.
   * @default 'supergraph.graphql'
   */
  SUPERGRAPH_PATH: z.string().optional(),
  /**
   * Fetched at start and polled, instead of SUPERGRAPH_PATH (a schema
   * registry, a bucket); set one of them, not both.
   * @default unset
   */
  SUPERGRAPH_URL: z.string().url().optional(),
  /**
   * A new supergraph is validated and swapped in while serving; a bad one is refused.
   * @default true
   */
  SUPERGRAPH_RELOAD: booleanFlag(true),
  /**
   * The URL's poll, and the file's check besides fs.watch (which misses some file systems).
   * @default 10000
   */
  SUPERGRAPH_POLL_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
};

export function supergraphSettingsOf(
  variables: VariablesOf<typeof supergraphVariables>,
): SupergraphSourceSettings {
  if (variables.SUPERGRAPH_URL && variables.SUPERGRAPH_PATH) {
    throw new ConfigError(['SUPERGRAPH_URL: set it or SUPERGRAPH_PATH, not both']);
  }
  return {
    path: variables.SUPERGRAPH_PATH ?? DEFAULT_SUPERGRAPH_PATH,
    url: variables.SUPERGRAPH_URL,
    reload: variables.SUPERGRAPH_RELOAD,
    pollIntervalMs: variables.SUPERGRAPH_POLL_INTERVAL_MS,
  };
}
