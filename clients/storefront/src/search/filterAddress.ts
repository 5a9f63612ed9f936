import type { SearchFilter } from '../../../generated/operations';

// The filter lives in the address (?q=&category=&min=&max=&inStock=), so results can be linked.
// Each change returns a new address: the query and the other facets stay as they were.

/** A price facet's range in minor units; no max is "and up". */
export interface PriceRange {
  min: number;
  max: number | null;
}

const FILTER_PARAMS = ['category', 'min', 'max', 'inStock'] as const;

export function filterOf(params: URLSearchParams): SearchFilter {
  const categoryIds = params.getAll('category');
  const range = chosenPriceRange(params);
  const inStock = chosenInStock(params);
  return {
    ...(categoryIds.length > 0 ? { categoryIds } : {}),
    ...(range ? { minPrice: range.min } : {}),
    ...(range?.max != null ? { maxPrice: range.max } : {}),
    ...(inStock !== null ? { inStock } : {}),
  };
}

export function hasFilters(params: URLSearchParams): boolean {
  return FILTER_PARAMS.some((name) => params.has(name));
}

export function chosenPriceRange(params: URLSearchParams): PriceRange | null {
  if (!params.has('min') && !params.has('max')) return null;
  return {
    min: Number(params.get('min') ?? 0),
    max: params.has('max') ? Number(params.get('max')) : null,
  };
}

export function chosenInStock(params: URLSearchParams): boolean | null {
  return params.has('inStock') ? params.get('inStock') === 'true' : null;
}

function changed(
  params: URLSearchParams,
  change: (next: URLSearchParams) => void,
): URLSearchParams {
  const next = new URLSearchParams(params);
  change(next);
  return next;
}

export function withCategoryToggled(params: URLSearchParams, id: string): URLSearchParams {
  return changed(params, (next) => {
    const chosen = next.getAll('category');
    next.delete('category');
    const kept = chosen.includes(id) ? chosen.filter((other) => other !== id) : [...chosen, id];
    kept.forEach((category) => next.append('category', category));
  });
}

export function withPriceRange(params: URLSearchParams, range: PriceRange | null): URLSearchParams {
  return changed(params, (next) => {
    next.delete('min');
    next.delete('max');
    if (!range) return;
    next.set('min', String(range.min));
    if (range.max !== null) next.set('max', String(range.max));
  });
}

export function withInStock(params: URLSearchParams, inStock: boolean | null): URLSearchParams {
  return changed(params, (next) =>
    inStock === null ? next.delete('inStock') : next.set('inStock', String(inStock)),
  );
}

export function withoutFilters(params: URLSearchParams): URLSearchParams {
  return changed(params, (next) => FILTER_PARAMS.forEach((name) => next.delete(name)));
}
