import { formatMoney } from '../format';
import { Link } from '../navigation';
import { ProductImage, type Image } from '../ProductImage';

export interface ListedProduct {
  id: string;
  name: string;
  price: { amount: number; currency: string };
  images: Image[];
  inventory: { inStock: boolean } | null;
}

/** Product cards linking to their pages, for the catalog and search results. */
export function ProductList({ products }: { products: ListedProduct[] }) {
  return (
    <ul className="product-list">
      {products.map((product) => (
        <li key={product.id}>
          <ProductImage image={product.images[0]} />
          <Link to={`/products/${encodeURIComponent(product.id)}`}>{product.name}</Link>
          <span className="price">{formatMoney(product.price)}</span>
          <span className={product.inventory?.inStock ? 'stock' : 'stock out'}>
            {product.inventory?.inStock ? 'In stock' : 'Out of stock'}
          </span>
        </li>
      ))}
    </ul>
  );
}
