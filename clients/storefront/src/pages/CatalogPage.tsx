import { useQuery } from '@apollo/client';
import { ProductsDocument } from '../../../generated/operations';
import { errorMessage } from '../format';
import { ProductList } from './ProductList';

const PAGE_SIZE = 24;

export function CatalogPage() {
  const { data, error, loading, fetchMore } = useQuery(ProductsDocument, {
    variables: { first: PAGE_SIZE },
  });
  if (error) return <p role="alert">{errorMessage(error)}</p>;
  if (!data) return <p>Loading…</p>;
  const { edges, pageInfo, totalCount } = data.products;
  const more = () =>
    fetchMore({
      variables: { after: pageInfo.endCursor },
      updateQuery: (previous, { fetchMoreResult }) => ({
        products: {
          ...fetchMoreResult.products,
          edges: [...previous.products.edges, ...fetchMoreResult.products.edges],
        },
      }),
    });
  return (
    <section>
      <h1>All products ({totalCount})</h1>
      <ProductList products={edges.map((edge) => edge.node)} />
      {pageInfo.hasNextPage && (
        <button type="button" disabled={loading} onClick={() => void more()}>
          More products
        </button>
      )}
    </section>
  );
}
