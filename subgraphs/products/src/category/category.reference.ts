import type { GraphQLResolveInfo } from 'graphql';
import { cachePublicly, PUBLIC_CACHE_SECONDS } from '@shop/federation';
import type { ProductsContext } from '../context';
import type { CategoryRow } from './category.service';

export function resolveCategoryReference(
  reference: { id: string },
  ctx: ProductsContext,
  info: GraphQLResolveInfo,
): Promise<CategoryRow | null> {
  cachePublicly(info, PUBLIC_CACHE_SECONDS.catalog);
  return ctx.loaders.categoryById.load(reference.id);
}
