import type DataLoader from 'dataloader';
import { groupedLoader, keyedLoader } from '@shop/federation';
import type { ProductService } from './product.service';
import type { ProductImage } from './product-image.type';
import type { Product } from './product.type';

export function createProductLoaders(service: ProductService) {
  return {
    productById: keyedLoader<string, Product>(
      (ids) => service.byIds(ids),
      (product) => product.id,
    ),
    imagesByProductId: groupedLoader<string, ProductImage>(
      (ids) => service.imagesOf(ids),
      (image) => image.productId,
    ),
  };
}

/**
 * After a write: later fields of the same request (a review's product, a
 * second mutation) see the product as written, not as loaded before it.
 */
export function cacheWritten(
  loader: DataLoader<string, Product | null>,
  product: Product,
): Product {
  loader.clear(product.id).prime(product.id, product);
  return product;
}
