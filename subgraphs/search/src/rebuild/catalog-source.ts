import type { ProductSnapshot } from '@shop/events';

/**
 * Where a rebuild reads the catalogue: the owners' APIs, never their
 * databases. Products come as the snapshot their events carry, so both roads
 * into the index start from the same shape.
 */
export interface CatalogSource {
  /** Every product, a page at a time. */
  products(): AsyncIterable<ProductSnapshot[]>;
  /** Whether each of these products is in stock now; a product left out is not. */
  stockOf(productIds: readonly string[]): Promise<Map<string, boolean>>;
}
