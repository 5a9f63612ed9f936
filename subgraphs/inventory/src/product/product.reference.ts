import type { ProductReference } from './product.stub';

/**
 * Every product id has an inventory (nothing stocked is still an answer), so
 * there is nothing to look up here: `inventory` loads all requested products
 * in one batch.
 */
export const productReference = {
  __resolveReference(reference: { id: string }): ProductReference {
    return { id: reference.id };
  },
};
