import { useMutation, useQuery, useSubscription } from '@apollo/client';
import {
  CancelOrderDocument,
  OrderDocument,
  OrderStatusChangedDocument,
  type OrderStatus,
} from '../../../generated/operations';
import { errorMessage, formatDateTime, formatMoney, formatOrderNumber } from '../format';
import { Link } from '../navigation';
import { useSession } from '../session';

/** The buyer may cancel until the order ships. */
const CANCELLABLE: OrderStatus[] = ['PENDING', 'PAID'];

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
  const [cancel, cancelled] = useMutation(CancelOrderDocument, { variables: { id } });

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
  const refunds = order.payment?.refunds ?? [];
  return (
    <section className="panel">
      <h1>Order {formatOrderNumber(order.number)}</h1>
      <p>
        Status: <strong data-testid="order-status">{order.status}</strong>{' '}
        <small className="live">{live.error ? 'live updates stopped' : 'live'}</small>
      </p>
      <p>Placed {formatDateTime(order.createdAt)}</p>
      <ul>
        {order.items.map(({ product, quantity, unitPrice }) => (
          <li key={product.id}>
            {quantity} × {product.name} at {formatMoney(unitPrice)}
          </li>
        ))}
      </ul>
      <p className="subtotal">
        Total: <strong>{formatMoney(order.total)}</strong>
        {order.payment && (
          <>
            {' '}
            — payment <span data-testid="payment-status">{order.payment.status.toLowerCase()}</span>
          </>
        )}
      </p>
      {refunds.length > 0 && (
        <ul aria-label="Refunds">
          {refunds.map((refund) => (
            <li key={refund.createdAt} data-testid="refund">
              Refunded {formatMoney(refund.amount)} on {formatDateTime(refund.createdAt)}
            </li>
          ))}
        </ul>
      )}
      {CANCELLABLE.includes(order.status) && (
        <button
          type="button"
          disabled={cancelled.loading}
          onClick={() =>
            void cancel()
              .then(() => refetch())
              .catch(() => undefined)
          }
        >
          Cancel order
        </button>
      )}
      {cancelled.error && <p role="alert">{errorMessage(cancelled.error)}</p>}
      <h2>History</h2>
      <ol>
        {order.statusHistory.map((entry) => (
          <li key={`${entry.status}-${entry.at}`}>
            {entry.status} at {formatDateTime(entry.at)}
          </li>
        ))}
      </ol>
    </section>
  );
}
