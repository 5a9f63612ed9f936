import { useMutation, useQuery } from '@apollo/client';
import { AdminProductDocument, ArchiveProductDocument } from '../../../generated/operations';
import { errorMessage, formatDateTime } from '../format';
import { Link } from '../navigation';
import { PriceForm } from './PriceForm';
import { ProductDetailsForm } from './ProductDetailsForm';
import { StockPanel } from './StockPanel';

/** One product's page in the console: details, price, stock, archiving. */
export function ProductEditor({ id }: { id: string }) {
  const { data, error } = useQuery(AdminProductDocument, {
    variables: { id },
    fetchPolicy: 'cache-and-network',
  });
  const [archive, archived] = useMutation(ArchiveProductDocument, { variables: { productId: id } });
  if (error) return <p role="alert">{errorMessage(error)}</p>;
  if (!data) return <p>Loading…</p>;
  const { product } = data;
  if (!product) return <p>This product does not exist.</p>;
  return (
    <section className="editor">
      <p>
        <Link to="/admin">← Catalog</Link> ·{' '}
        <Link to={`/products/${encodeURIComponent(product.id)}`}>View in the storefront</Link>
      </p>
      <h1>{product.name}</h1>
      <ProductDetailsForm key={product.id} product={product} />
      <PriceForm productId={product.id} price={product.price} />
      <StockPanel productId={product.id} inventory={product.inventory} />
      <section className="panel">
        <h2>Availability</h2>
        {product.archivedAt ? (
          <p data-testid="archived">
            Archived {formatDateTime(product.archivedAt)}: not listed or searchable.
          </p>
        ) : (
          <button
            type="button"
            disabled={archived.loading}
            onClick={() => void archive().catch(() => undefined)}
          >
            Archive
          </button>
        )}
        {archived.error && <p role="alert">{errorMessage(archived.error)}</p>}
      </section>
    </section>
  );
}
