import { useQuery } from '@apollo/client';
import { SearchDocument, type SearchFilter } from '../../../generated/operations';
import { errorMessage, formatMoney } from '../format';
import { navigate } from '../navigation';
import { ProductList } from './ProductList';

const PAGE_SIZE = 20;

/** The filter lives in the address (?q=&category=&min=&max=&inStock=), so results can be linked. */
function filterOf(params: URLSearchParams): SearchFilter {
  const number = (name: string) => (params.has(name) ? Number(params.get(name)) : undefined);
  const categoryIds = params.getAll('category');
  return {
    ...(categoryIds.length > 0 ? { categoryIds } : {}),
    ...(params.has('min') ? { minPrice: number('min') } : {}),
    ...(params.has('max') ? { maxPrice: number('max') } : {}),
    ...(params.has('inStock') ? { inStock: params.get('inStock') === 'true' } : {}),
  };
}

export function SearchPage({ params }: { params: URLSearchParams }) {
  const query = params.get('q') ?? '';
  const { data, error } = useQuery(SearchDocument, {
    variables: { query, filter: filterOf(params), first: PAGE_SIZE },
    skip: !query,
  });

  /** Applies one facet: a new address with the given parameters changed. */
  const refine = (change: (next: URLSearchParams) => void) => {
    const next = new URLSearchParams(params);
    change(next);
    navigate(`/search?${next}`);
  };
  const toggleCategory = (id: string) =>
    refine((next) => {
      const chosen = next.getAll('category');
      next.delete('category');
      const kept = chosen.includes(id) ? chosen.filter((other) => other !== id) : [...chosen, id];
      kept.forEach((category) => next.append('category', category));
    });
  const setPriceRange = (min: number | null, max: number | null) =>
    refine((next) => {
      next.delete('min');
      next.delete('max');
      if (min !== null) next.set('min', String(min));
      if (max !== null) next.set('max', String(max));
    });
  const setInStock = (value: boolean | null) =>
    refine((next) =>
      value === null ? next.delete('inStock') : next.set('inStock', String(value)),
    );

  if (!query) return <p>Type what you are looking for in the search box.</p>;
  if (error) return <p role="alert">{errorMessage(error)}</p>;
  if (!data) return <p>Searching…</p>;
  const { edges, totalCount, facets } = data.search;
  const chosenCategories = params.getAll('category');
  const currency = edges[0]?.node.price.currency ?? 'USD';
  return (
    <div className="search-layout">
      <aside aria-label="Facets">
        <h2>Category</h2>
        {facets.categories.map(({ category, count }) => (
          <label key={category.id}>
            <input
              type="checkbox"
              checked={chosenCategories.includes(category.id)}
              onChange={() => toggleCategory(category.id)}
            />
            {category.name} ({count})
          </label>
        ))}
        <h2>Price</h2>
        {facets.priceRanges.map(({ min, max, count }) => (
          <button
            type="button"
            className="facet"
            key={`${min}-${max}`}
            onClick={() => setPriceRange(min, max)}
          >
            {formatMoney({ amount: min, currency })}
            {max === null ? ' and up' : ` – ${formatMoney({ amount: max, currency })}`} ({count})
          </button>
        ))}
        {(params.has('min') || params.has('max')) && (
          <button type="button" className="facet" onClick={() => setPriceRange(null, null)}>
            Any price
          </button>
        )}
        <h2>Availability</h2>
        {facets.inStock.map(({ value, count }) => (
          <label key={String(value)}>
            <input
              type="radio"
              name="inStock"
              checked={params.get('inStock') === String(value)}
              onChange={() => setInStock(value)}
            />
            {value ? 'In stock' : 'Out of stock'} ({count})
          </label>
        ))}
        {params.has('inStock') && (
          <button type="button" className="facet" onClick={() => setInStock(null)}>
            Any availability
          </button>
        )}
      </aside>
      <section>
        <h1>
          {totalCount} result{totalCount === 1 ? '' : 's'} for “{query}”
        </h1>
        <ProductList products={edges.map((edge) => edge.node)} />
      </section>
    </div>
  );
}
