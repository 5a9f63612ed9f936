import type { ProductsContext } from '../context';
import type { CategoryRow } from './category.service';

export const categoryReference = {
  __resolveReference(reference: { id: string }, ctx: ProductsContext): Promise<CategoryRow | null> {
    return ctx.loaders.categoryById.load(reference.id);
  },
};
