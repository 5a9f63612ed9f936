import { useMutation, useQuery } from '@apollo/client';
import { useState } from 'react';
import { AddToCartDocument, ProductPageDocument } from '../../../generated/operations';
import { errorMessage, formatMoney } from '../format';
import { Link, navigate } from '../navigation';
import { ProductImage } from '../ProductImage';
import { useSession } from '../session';

export function ProductPage({ id }: { id: string }) {
  const { session } = useSession();
  const { data, error } = useQuery(ProductPageDocument, { variables: { id } });
  const [quantity, setQuantity] = useState(1);
  const [addToCart, added] = useMutation(AddToCartDocument);

  if (error) return <p role="alert">{errorMessage(error)}</p>;
  if (!data) return <p>Loading…</p>;
  const { product } = data;
  if (!product) return <p>This product does not exist.</p>;

  const add = () => {
    if (!session) {
      navigate(`/login?next=${encodeURIComponent(`/products/${id}`)}`);
      return;
    }
    addToCart({ variables: { productId: product.id, quantity } }).catch(() => {
      // Shown from the mutation's error state below.
    });
  };
  const available = product.inventory?.available ?? 0;
  return (
    <article className="product">
      <div className="gallery">
        {product.images.map((image) => (
          <ProductImage key={image.url} image={image} />
        ))}
      </div>
      <h1>{product.name}</h1>
      <p className="price">{formatMoney(product.price)}</p>
      <p className="stock" data-testid="stock">
        {product.inventory?.inStock ? `${available} in stock` : 'Out of stock'}
      </p>
      <p>Category: {product.category.name}</p>
      <p>{product.description}</p>
      <div className="buy">
        <label>
          Quantity
          <input
            type="number"
            min={1}
            max={Math.max(available, 1)}
            value={quantity}
            onChange={(event) => setQuantity(Math.max(1, Number(event.target.value) || 1))}
          />
        </label>
        <button type="button" disabled={!product.inventory?.inStock || added.loading} onClick={add}>
          Add to cart
        </button>
      </div>
      {added.error && <p role="alert">{errorMessage(added.error)}</p>}
      {added.data && (
        <p role="status">
          Added. <Link to="/cart">View cart</Link>
        </p>
      )}
      <h2>
        Reviews ({product.reviewCount}
        {product.averageRating !== null && `, average ${product.averageRating.toFixed(1)}`})
      </h2>
      {/* Deferred: the rest of the page shows while the reviews are on their way. */}
      {'reviews' in product && product.reviews ? (
        <ul className="reviews" data-testid="reviews">
          {product.reviews.edges.map(({ node: review }) => (
            <li key={review.id}>
              <strong>{'★'.repeat(review.rating)}</strong> {review.title}
              <p>{review.body}</p>
              <small>{review.author.name}</small>
            </li>
          ))}
        </ul>
      ) : (
        <p data-testid="reviews-loading">Loading reviews…</p>
      )}
    </article>
  );
}
