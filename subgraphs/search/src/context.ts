import type { BaseContext } from '@shop/federation';
import type { Database } from './db';
import { IndexingService } from './indexing/indexing.service';
import { SearchService } from './search/search.service';
import { SuggestionService } from './suggestion/suggestion.service';

/**
 * Made once per launch and shared by every request and the background work.
 * There are no loaders: every query answers from one statement over the
 * index, and the nodes are references the router completes.
 */
export function createServices(db: Database) {
  return {
    search: new SearchService(db),
    suggestions: new SuggestionService(db),
    indexing: new IndexingService(db),
  };
}

export type SearchServices = ReturnType<typeof createServices>;

export interface SearchContext extends BaseContext {
  services: SearchServices;
}

/** Per request: the verified base context and the services. */
export function contextFactory(services: SearchServices) {
  return (base: BaseContext): SearchContext => ({
    ...base,
    services,
  });
}
