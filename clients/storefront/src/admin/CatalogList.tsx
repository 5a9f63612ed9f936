import { useQuery } from '@apollo/client';
import { useState } from 'react';
import { AllProductsDocument } from '../../../generated/operations';
import { errorMessage, formatMoney } from '../format';
import { Link } from '../navigation';
import { ProductImage } from '../ProductImage';

const PAGE_SIZE = 50;

/** allProducts' archived argument, as the list's filter names it. */
const SHOWN = { all: undefined, 'on sale': false, archived: true } as const;
type Shown = keyof typeof SHOWN;

/** Every product, archived ones included, each linking to its editor. */
export function CatalogList() {
  const [shown, setShown] = useState<Shown>('all');
  const { data, error, loading, fetchMore } = useQuery(AllProductsDocument, {
    variables: { first: PAGE_SIZE, archived: SHOWN[shown] },
    fetchPolicy: 'cache-and-network',
  });
  if (error) return <p role="alert">{errorMessage(error)}</p>;
  if (!data) return <p>Loading…</p>;
  const { edges, pageInfo, totalCount } = data.allProducts;
  const more = () =>
    fetchMore({
      variables: { after: pageInfo.endCursor },
      updateQuery: (previous, { fetchMoreResult }) => ({
        allProducts: {
          ...fetchMoreResult.allProducts,
          edges: [...previous.allProducts.edges, ...fetchMoreResult.allProducts.edges],
        },
      }),
    });
  return (
    <section>
      <h1>Catalog ({totalCount})</h1>
      <label className="inline">
        Show{' '}
        <select value={shown} onChange={(event) => setShown(event.target.value as Shown)}>
          {Object.keys(SHOWN).map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </label>
      <div className="table-scroll">
        <table className="admin-table">
          <thead>
            <tr>
              <th aria-label="Image" />
              <th>Product</th>
              <th>Category</th>
              <th>Price</th>
              <th>Available</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {edges.map(({ node: product }) => (
              <tr key={product.id}>
                <td>
                  <ProductImage image={product.images[0]} className="thumb" />
                </td>
                <td>
                  <Link to={`/admin/products/${encodeURIComponent(product.id)}`}>
                    {product.name}
                  </Link>
                </td>
                <td>{product.category.name}</td>
                <td>{formatMoney(product.price)}</td>
                <td>{product.inventory?.available ?? '—'}</td>
                <td>{product.archivedAt ? 'Archived' : 'On sale'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pageInfo.hasNextPage && (
        <button type="button" disabled={loading} onClick={() => void more()}>
          More products
        </button>
      )}
    </section>
  );
}
