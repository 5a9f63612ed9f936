import { useQuery } from '@apollo/client';
import {
  CategoriesDocument,
  SearchDocument,
  type SearchQuery,
} from '../../../generated/operations';
import { errorMessage, formatMoney } from '../format';
import { navigate } from '../navigation';
import { AppliedFilters, type AppliedFilter } from '../search/AppliedFilters';
import { CheckboxFacet, RadioFacet, type FacetOption } from '../search/FacetGroups';
import {
  chosenInStock,
  chosenPriceRange,
  filterOf,
  withCategoryToggled,
  withInStock,
  withoutFilters,
  withPriceRange,
  type PriceRange,
} from '../search/filterAddress';
import { ProductList } from './ProductList';

const PAGE_SIZE = 20;

type Facets = SearchQuery['search']['facets'];

const rangeKey = ({ min, max }: PriceRange) => `${min}-${max ?? ''}`;
const stockLabel = (inStock: boolean) => (inStock ? 'In stock' : 'Out of stock');

function rangeLabel({ min, max }: PriceRange, currency: string): string {
  const from = formatMoney({ amount: min, currency });
  return max === null ? `${from} and up` : `${from} – ${formatMoney({ amount: max, currency })}`;
}

/**
 * Each facet group counts what the other groups' choices let through, so a chosen
 * option that nothing matches together with them is missing from the facets; it is
 * listed anyway (without a count) so the control still shows the choice and can undo it.
 */
function withChosen<T>(options: FacetOption<T>[], chosen: FacetOption<T>[]): FacetOption<T>[] {
  const listed = new Set(options.map((option) => option.key));
  return [...options, ...chosen.filter((option) => !listed.has(option.key))];
}

function useFacetOptions(params: URLSearchParams, facets: Facets, currency: string) {
  const chosenCategoryIds = params.getAll('category');
  const namedByFacets = new Map(
    facets.categories.map(({ category }) => [category.id, category.name]),
  );
  const unnamed = chosenCategoryIds.filter((id) => !namedByFacets.has(id));
  // Only needed when a chosen category matched nothing, so the facets do not name it.
  const { data: allCategories } = useQuery(CategoriesDocument, { skip: unnamed.length === 0 });
  const nameOf = (id: string) =>
    namedByFacets.get(id) ??
    allCategories?.categories.find((category) => category.id === id)?.name ??
    'Category';

  const range = chosenPriceRange(params);
  const inStock = chosenInStock(params);
  const rangeOption = (value: PriceRange, count?: number) => ({
    key: rangeKey(value),
    value,
    label: rangeLabel(value, currency),
    count,
  });
  const stockOption = (value: boolean, count?: number) => ({
    key: String(value),
    value,
    label: stockLabel(value),
    count,
  });
  return {
    categories: withChosen(
      facets.categories.map(({ category, count }) => ({
        key: category.id,
        value: category.id,
        label: category.name,
        count,
      })),
      chosenCategoryIds.map((id) => ({ key: id, value: id, label: nameOf(id) })),
    ),
    priceRanges: withChosen(
      facets.priceRanges.map(({ min, max, count }) => rangeOption({ min, max }, count)),
      range ? [rangeOption(range)] : [],
    ),
    availability: withChosen(
      facets.inStock.map(({ value, count }) => stockOption(value, count)),
      inStock !== null ? [stockOption(inStock)] : [],
    ),
  };
}

function SearchFacets(props: {
  params: URLSearchParams;
  facets: Facets;
  currency: string;
  onChange(next: URLSearchParams): void;
}) {
  const { params, onChange } = props;
  const options = useFacetOptions(params, props.facets, props.currency);
  const range = chosenPriceRange(params);
  const inStock = chosenInStock(params);
  const applied: AppliedFilter[] = [
    ...options.categories
      .filter((option) => params.getAll('category').includes(option.key))
      .map((option) => ({
        key: `category-${option.key}`,
        label: option.label,
        remove: () => onChange(withCategoryToggled(params, option.value)),
      })),
    ...(range
      ? [
          {
            key: 'price',
            label: rangeLabel(range, props.currency),
            remove: () => onChange(withPriceRange(params, null)),
          },
        ]
      : []),
    ...(inStock !== null
      ? [
          {
            key: 'stock',
            label: stockLabel(inStock),
            remove: () => onChange(withInStock(params, null)),
          },
        ]
      : []),
  ];
  return (
    <aside aria-label="Facets" className="facets">
      <AppliedFilters filters={applied} onClear={() => onChange(withoutFilters(params))} />
      <CheckboxFacet
        legend="Category"
        options={options.categories}
        chosen={new Set(params.getAll('category'))}
        onToggle={(id) => onChange(withCategoryToggled(params, id))}
      />
      <RadioFacet
        legend="Price"
        name="price"
        anyLabel="Any price"
        options={options.priceRanges}
        chosen={range && rangeKey(range)}
        onChoose={(value) => onChange(withPriceRange(params, value))}
      />
      <RadioFacet
        legend="Availability"
        name="availability"
        anyLabel="Any availability"
        options={options.availability}
        chosen={inStock === null ? null : String(inStock)}
        onChoose={(value) => onChange(withInStock(params, value))}
      />
    </aside>
  );
}

export function SearchPage({ params }: { params: URLSearchParams }) {
  const query = params.get('q') ?? '';
  const { data, previousData, loading, error } = useQuery(SearchDocument, {
    variables: { query, filter: filterOf(params), first: PAGE_SIZE },
    skip: !query,
  });
  // The last results stay while the next arrive, so the facet controls are not torn
  // down under the pointer or the keyboard focus on every change.
  const shown = data ?? previousData;

  if (!query) return <p>Type what you are looking for in the search box.</p>;
  if (error) return <p role="alert">{errorMessage(error)}</p>;
  if (!shown) return <p>Searching…</p>;
  const { edges, totalCount, facets } = shown.search;
  const currency = edges[0]?.node.price.currency ?? 'USD';
  return (
    <div className="search-layout">
      <SearchFacets
        params={params}
        facets={facets}
        currency={currency}
        onChange={(next) => navigate(`/search?${next}`)}
      />
      <section aria-busy={loading}>
        <h1>
          {totalCount} result{totalCount === 1 ? '' : 's'} for “{query}”
        </h1>
        <ProductList products={edges.map((edge) => edge.node)} />
      </section>
    </div>
  );
}
