import { keyedLoader } from '@shop/federation';
import type { ProductService } from './product.service';
import type { Product } from './product.type';

export function createProductLoaders(service: ProductService) {
  return {
    productById: keyedLoader<string, Product>(
      (ids) => service.byIds(ids),
      (product) => product.id,
    ),
  };
}
