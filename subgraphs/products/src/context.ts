import type { BaseContext } from '@shop/federation';
import { createCategoryLoaders } from './category/category.loader';
import { CategoryService } from './category/category.service';
import type { Database } from './db';
import type { RelayWaker } from './events/product-events';
import { createProductLoaders } from './product/product.loader';
import { ProductService } from './product/product.service';
import { createReviewLoaders } from './review/review.loader';
import { ReviewService } from './review/review.service';

/**
 * Services are per process; loaders are per request, so nothing is cached
 * across users. `relay` lets the writing services wake the outbox relay.
 */
export function createServices(db: Database, relay: RelayWaker) {
  const categories = new CategoryService(db);
  return {
    categories,
    products: new ProductService(db, categories, relay),
    reviews: new ReviewService(db),
  };
}

export type ProductsServices = ReturnType<typeof createServices>;

function createLoaders(services: ProductsServices) {
  return {
    ...createCategoryLoaders(services.categories),
    ...createProductLoaders(services.products),
    ...createReviewLoaders(services.reviews),
  };
}

export interface ProductsContext extends BaseContext {
  services: ProductsServices;
  loaders: ReturnType<typeof createLoaders>;
}

/** Per request: the verified base context plus fresh loaders, so nothing is cached across users. */
export function contextFactory(services: ProductsServices) {
  return (base: BaseContext): ProductsContext => ({
    ...base,
    services,
    loaders: createLoaders(services),
  });
}
