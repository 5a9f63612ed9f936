import { Arg, Ctx, Directive, Int, Query, Resolver } from 'type-graphql';
import type { SearchContext } from '../context';
import { DEFAULT_SUGGESTIONS } from './suggestion.service';

@Resolver()
export class SuggestionResolver {
  @Directive('@listSize(slicingArguments: ["limit"])')
  @Query(() => [String], {
    description:
      'Product names starting with the prefix, or with a word starting with it; limit is 1..20.',
  })
  searchSuggestions(
    @Arg('prefix') prefix: string,
    @Arg('limit', () => Int, { nullable: true, defaultValue: DEFAULT_SUGGESTIONS })
    limit: number | null,
    @Ctx() ctx: SearchContext,
  ): Promise<string[]> {
    return ctx.services.suggestions.suggest(prefix, limit ?? undefined);
  }
}
