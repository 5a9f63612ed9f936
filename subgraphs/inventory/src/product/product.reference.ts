import type { GraphQLResolveInfo } from 'graphql';
import { cachePublicly, PUBLIC_CACHE_SECONDS } from '@shop/federation';
import type { ProductStub } from './product.stub';

/**
 * Every product id has an inventory (nothing stocked is still an answer), so
 * there is nothing to look up here: `inventory` loads all requested products
 * in one batch.
 */
export function resolveProductReference(
  reference: { id: string },
  _ctx: unknown,
  info: GraphQLResolveInfo,
): ProductStub {
  cachePublicly(info, PUBLIC_CACHE_SECONDS.stock);
  return { id: reference.id };
}
