import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '@shop/federation';
import { resolveCategoryReference } from './category/category.reference';
import { CategoryResolver } from './category/category.resolver';
import { ProductLiveResolver } from './live/product-live.resolver';
import { resolveProductReference } from './product/product.reference';
import { ProductResolver } from './product/product.resolver';
import { ProductReviewsResolver } from './review/product-reviews.resolver';
import { ReviewResolver } from './review/review.resolver';

export function buildProductsSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [
      CategoryResolver,
      ProductResolver,
      ProductLiveResolver,
      ProductReviewsResolver,
      ReviewResolver,
    ],
    referenceResolvers: {
      Category: resolveCategoryReference,
      Product: resolveProductReference,
    },
  });
}
