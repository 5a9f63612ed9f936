import { Arg, Ctx, Directive, Int, Query, Resolver } from 'type-graphql';
import type { SearchContext } from '../context';
import { SearchResultConnection } from './search.connection';
import { SearchFilter } from './search.input';

@Resolver()
export class SearchResolver {
  // Full-text ranking costs the database more than a lookup by key.
  @Directive('@cost(weight: 5)')
  @Directive('@listSize(slicingArguments: ["first"], sizedFields: ["edges"])')
  @Query(() => SearchResultConnection, {
    description:
      'Full-text search over names and descriptions, most relevant first; first is 1..100.',
  })
  search(
    @Arg('query') query: string,
    @Arg('filter', () => SearchFilter, { nullable: true }) filter: SearchFilter | undefined,
    @Arg('first', () => Int) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: SearchContext,
  ): Promise<SearchResultConnection> {
    return ctx.services.search.search(query, first, after ?? undefined, filter ?? undefined);
  }
}
