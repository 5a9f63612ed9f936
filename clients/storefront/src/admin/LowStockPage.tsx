import { useQuery } from '@apollo/client';
import { LowStockDocument } from '../../../generated/operations';
import { errorMessage } from '../format';
import { Link } from '../navigation';

/** Products at or below their threshold, fewest first, with the stock of each warehouse. */
export function LowStockPage() {
  const { data, error } = useQuery(LowStockDocument, {
    variables: { first: 100 },
    fetchPolicy: 'cache-and-network',
  });
  if (error) return <p role="alert">{errorMessage(error)}</p>;
  if (!data) return <p>Loading…</p>;
  return (
    <section>
      <h1>Low stock ({data.lowStock.totalCount})</h1>
      <div className="table-scroll">
        <table className="admin-table">
          <thead>
            <tr>
              <th>Product</th>
              <th>Available</th>
              <th>Threshold</th>
              <th>Warehouses</th>
            </tr>
          </thead>
          <tbody>
            {data.lowStock.edges.map(({ node }) => (
              <tr key={node.productId}>
                <td>
                  <Link to={`/admin/products/${encodeURIComponent(node.productId)}`}>
                    {node.product.name}
                  </Link>
                </td>
                <td>{node.available}</td>
                <td>{node.lowStockThreshold}</td>
                <td>
                  {(node.warehouses ?? [])
                    .map((stock) => `${stock.warehouse.name}: ${stock.available}`)
                    .join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
