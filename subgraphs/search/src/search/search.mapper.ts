import type { SearchFacets } from './search.type';

/**
 * Price facet ranges in minor units: each bound starts a range that ends at
 * the next one, and the last range is open-ended.
 */
export const PRICE_RANGE_BOUNDS = [0, 2500, 5000, 10000, 25000] as const;

/** The thresholds for SQL's width_bucket, which then numbers the ranges from 0 like the bounds. */
export const PRICE_RANGE_THRESHOLDS = PRICE_RANGE_BOUNDS.slice(1);

/** One row of the facet statement: a group of one grouping set, or the total. */
export interface FacetRow {
  facet: 'category' | 'price' | 'stock' | 'total';
  categoryId: string | null;
  /** The index in PRICE_RANGE_BOUNDS of the range's lower bound. */
  priceRange: number | null;
  inStock: boolean | null;
  count: number;
}

export function toFacets(rows: readonly FacetRow[]): { facets: SearchFacets; totalCount: number } {
  const facets: SearchFacets = { categories: [], priceRanges: [], inStock: [] };
  let totalCount = 0;
  for (const row of rows) {
    if (row.facet === 'total') totalCount = row.count;
    if (row.facet === 'category' && row.categoryId !== null) {
      facets.categories.push({ category: { id: row.categoryId }, count: row.count });
    }
    if (row.facet === 'price' && row.priceRange !== null) {
      facets.priceRanges.push({
        min: PRICE_RANGE_BOUNDS[row.priceRange] ?? 0,
        max: PRICE_RANGE_BOUNDS[row.priceRange + 1] ?? null,
        count: row.count,
      });
    }
    if (row.facet === 'stock' && row.inStock !== null) {
      facets.inStock.push({ value: row.inStock, count: row.count });
    }
  }
  facets.categories.sort((a, b) => b.count - a.count || a.category.id.localeCompare(b.category.id));
  facets.priceRanges.sort((a, b) => a.min - b.min);
  facets.inStock.sort((a, b) => Number(b.value) - Number(a.value));
  return { facets, totalCount };
}
