import { useQuery, useSubscription } from '@apollo/client';
import { OrderDocument, OrderStatusChangedDocument } from '../../../generated/operations';
import { errorMessage, formatMoney } from '../format';
import { Link } from '../navigation';
import { useSession } from '../session';

/** An order and its status, kept current by OrderStatusChanged over graphql-ws. */
export function OrderPage({ id }: { id: string }) {
  const { session } = useSession();
  const { data, error, refetch } = useQuery(OrderDocument, {
    variables: { id },
    skip: !session,
  });
  // Each event updates the cached Order (same id), so the status below changes
  // by itself; the refetch brings the history entry with its time.
  const live = useSubscription(OrderStatusChangedDocument, {
    variables: { orderId: id },
    skip: !session,
    onData: () => void refetch(),
  });

  if (!session) {
    return (
      <p>
        <Link to={`/login?next=${encodeURIComponent(`/orders/${id}`)}`}>Sign in</Link> to see this
        order.
      </p>
    );
  }
  if (error) return <p role="alert">{errorMessage(error)}</p>;
  if (!data) return <p>Loading…</p>;
  const { order } = data;
  if (!order) return <p>This order does not exist.</p>;
  return (
    <section className="panel">
      <h1>Order {order.id}</h1>
      <p>
        Status: <strong data-testid="order-status">{order.status}</strong>{' '}
        <small className="live">{live.error ? 'live updates stopped' : 'live'}</small>
      </p>
      <p>Placed {new Date(order.createdAt).toLocaleString()}</p>
      <ul>
        {order.items.map(({ product, quantity, unitPrice }) => (
          <li key={product.id}>
            {quantity} × {product.name} at {formatMoney(unitPrice)}
          </li>
        ))}
      </ul>
      <p className="subtotal">
        Total: <strong>{formatMoney(order.total)}</strong>
        {order.payment && <> — payment {order.payment.status.toLowerCase()}</>}
      </p>
      <h2>History</h2>
      <ol>
        {order.statusHistory.map((entry) => (
          <li key={`${entry.status}-${entry.at}`}>
            {entry.status} at {new Date(entry.at).toLocaleString()}
          </li>
        ))}
      </ol>
    </section>
  );
}
