import { loadSubgraphSettings, type SubgraphSettings } from '@shop/federation';

/** The search subgraph's settings: SEARCH_PORT, DATABASE_URL_SEARCH and the shared ones. */
export function loadSearchConfig(env?: Record<string, string | undefined>): SearchConfig {
  return loadSubgraphSettings('search', env);
}

export type SearchConfig = SubgraphSettings;
