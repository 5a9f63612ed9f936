import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '@shop/federation';
import { SearchResolver } from './search/search.resolver';
import { SuggestionResolver } from './suggestion/suggestion.resolver';

/** Product and Category are references only (resolvable: false), so no reference resolvers. */
export function buildSearchSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({ resolvers: [SearchResolver, SuggestionResolver] });
}
