import type { GraphQLResolveInfo } from 'graphql';
import { cachePublicly, PUBLIC_CACHE_SECONDS } from '@shop/federation';
import type { ProductsContext } from '../context';
import type { Product } from './product.type';

export function resolveProductReference(
  reference: { id: string },
  ctx: ProductsContext,
  info: GraphQLResolveInfo,
): Promise<Product | null> {
  cachePublicly(info, PUBLIC_CACHE_SECONDS.catalog);
  return ctx.loaders.productById.load(reference.id);
}
