import type { BaseContext, ServiceRuntime } from '@shop/federation';
import { createCategoryLoaders } from './category/category.loader';
import { CategoryService } from './category/category.service';
import type { Database, PRODUCTS_STREAM } from './db';
import { createProductLoaders } from './product/product.loader';
import { ProductService } from './product/product.service';
import { DeliveredPurchaseService } from './purchase/delivered-purchase.service';
import { createReviewLoaders } from './review/review.loader';
import { ReviewService } from './review/review.service';
import { ProductStockService } from './stock/product-stock.service';

/**
 * Made once per launch and shared by every request and the background work;
 * loaders are per request, so nothing is cached across users.
 */
export function createServices(db: Database, { outbox }: ServiceRuntime<typeof PRODUCTS_STREAM>) {
  const categories = new CategoryService(db);
  return {
    categories,
    products: new ProductService(db, categories, outbox),
    reviews: new ReviewService(db),
    // The projections the background keeps from other domains' events.
    purchases: new DeliveredPurchaseService(db),
    stock: new ProductStockService(db),
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
