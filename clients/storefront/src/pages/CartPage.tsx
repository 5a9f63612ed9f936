import { useMutation, useQuery } from '@apollo/client';
import { CartDocument, UpdateCartItemDocument } from '../../../generated/operations';
import { errorMessage, formatMoney } from '../format';
import { Link } from '../navigation';
import { useSession } from '../session';

export function CartPage() {
  const { session } = useSession();
  const { data, error } = useQuery(CartDocument, {
    skip: !session,
    fetchPolicy: 'cache-and-network',
  });
  const [updateItem, updated] = useMutation(UpdateCartItemDocument);

  if (!session) {
    return (
      <p>
        <Link to="/login?next=%2Fcart">Sign in</Link> to see your cart.
      </p>
    );
  }
  if (error) return <p role="alert">{errorMessage(error)}</p>;
  if (!data) return <p>Loading…</p>;
  const items = data.cart?.items ?? [];
  if (!data.cart || items.length === 0) {
    return (
      <p>
        Your cart is empty. <Link to="/">Browse the shop</Link>
      </p>
    );
  }
  const setQuantity = (productId: string, quantity: number) =>
    void updateItem({ variables: { productId, quantity } }).catch(() => {
      // Shown from the mutation's error state below.
    });
  return (
    <section className="panel">
      <h1>Your cart</h1>
      <table className="cart">
        <tbody>
          {items.map(({ product, quantity }) => (
            <tr key={product.id}>
              <td>
                <Link to={`/products/${encodeURIComponent(product.id)}`}>{product.name}</Link>
              </td>
              <td>
                <input
                  type="number"
                  min={0}
                  aria-label={`Quantity of ${product.name}`}
                  value={quantity}
                  onChange={(event) => setQuantity(product.id, Number(event.target.value) || 0)}
                />
              </td>
              <td>
                <button type="button" onClick={() => setQuantity(product.id, 0)}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {updated.error && <p role="alert">{errorMessage(updated.error)}</p>}
      <p className="subtotal">
        Subtotal: <strong>{formatMoney(data.cart.subtotal)}</strong>
      </p>
      <Link to="/checkout" className="button">
        Checkout
      </Link>
    </section>
  );
}
