import { useQuery } from '@apollo/client';
import { MyOrdersDocument } from '../../../generated/operations';
import { errorMessage, formatDateTime, formatMoney, formatOrderNumber } from '../format';
import { Link } from '../navigation';

const PAGE_SIZE = 10;

/** The shopper's orders, newest first, a page at a time. */
export function OrderHistory() {
  const { data, error, loading, fetchMore } = useQuery(MyOrdersDocument, {
    variables: { first: PAGE_SIZE },
    fetchPolicy: 'cache-and-network',
  });
  if (error) return <p role="alert">{errorMessage(error)}</p>;
  const orders = data?.me?.orders;
  if (!orders) return <p>Loading…</p>;
  const more = () =>
    fetchMore({
      variables: { after: orders.pageInfo.endCursor },
      updateQuery: (previous, { fetchMoreResult }) => {
        const [earlier, later] = [previous.me?.orders, fetchMoreResult.me?.orders];
        if (!previous.me || !earlier || !later) return fetchMoreResult;
        return {
          me: { ...previous.me, orders: { ...later, edges: [...earlier.edges, ...later.edges] } },
        };
      },
    });
  return (
    <>
      {orders.totalCount === 0 && <p>No orders yet.</p>}
      <ul className="order-history">
        {orders.edges.map(({ node: order }) => (
          <li key={order.id}>
            <Link to={`/orders/${encodeURIComponent(order.id)}`}>
              Order {formatOrderNumber(order.number)}
            </Link>{' '}
            <span>{formatDateTime(order.createdAt)}</span> <span>{formatMoney(order.total)}</span>{' '}
            <strong>{order.status}</strong>
          </li>
        ))}
      </ul>
      {orders.pageInfo.hasNextPage && (
        <button type="button" disabled={loading} onClick={() => void more()}>
          Older orders
        </button>
      )}
    </>
  );
}
