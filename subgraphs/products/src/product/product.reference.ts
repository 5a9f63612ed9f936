import type { ProductsContext } from '../context';
import type { Product } from './product.type';

export const productReference = {
  __resolveReference(reference: { id: string }, ctx: ProductsContext): Promise<Product | null> {
    return ctx.loaders.productById.load(reference.id);
  },
};
