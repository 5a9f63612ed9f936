import { useMutation, useQuery } from '@apollo/client';
import { useState } from 'react';
import {
  AdvanceOrderDocument,
  AllOrdersDocument,
  type OrderFilter,
  type OrderStatus,
} from '../../../generated/operations';
import { errorMessage, formatDateTime, formatMoney, formatOrderNumber } from '../format';
import { Link } from '../navigation';

const PAGE_SIZE = 25;
const STATUSES: OrderStatus[] = ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'];
/** The fulfilment steps an ADMIN takes: PAID → SHIPPED → DELIVERED. */
const NEXT_STEP: Partial<Record<OrderStatus, OrderStatus>> = {
  PAID: 'SHIPPED',
  SHIPPED: 'DELIVERED',
};

interface Filters {
  status: OrderStatus | '';
  from: string;
  to: string;
  buyer: { id: string; name: string } | null;
}

/** A day picked in the form, as the start of that day where the ADMIN is. */
function startOfDay(day: string): string {
  return new Date(`${day}T00:00:00`).toISOString();
}

function orderFilter(filters: Filters): OrderFilter {
  const dayAfter = (day: string) => {
    const next = new Date(`${day}T00:00:00`);
    next.setDate(next.getDate() + 1);
    return next.toISOString();
  };
  return {
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.buyer ? { buyerId: filters.buyer.id } : {}),
    ...(filters.from ? { placedFrom: startOfDay(filters.from) } : {}),
    // The "to" day is included: the filter's bound is exclusive.
    ...(filters.to ? { placedBefore: dayAfter(filters.to) } : {}),
  };
}

function AdvanceButton({ id, status }: { id: string; status: OrderStatus }) {
  const [advance, advanced] = useMutation(AdvanceOrderDocument);
  const next = NEXT_STEP[status];
  if (!next) return null;
  return (
    <>
      <button
        type="button"
        disabled={advanced.loading}
        onClick={() => void advance({ variables: { id, to: next } }).catch(() => undefined)}
      >
        Mark {next.toLowerCase()}
      </button>
      {advanced.error && <span role="alert">{errorMessage(advanced.error)}</span>}
    </>
  );
}

/** Every buyer's orders, newest first, filtered by status, dates and buyer, with fulfilment. */
export function OrdersList() {
  const [filters, setFilters] = useState<Filters>({ status: '', from: '', to: '', buyer: null });
  const { data, error, loading, fetchMore } = useQuery(AllOrdersDocument, {
    variables: { first: PAGE_SIZE, filter: orderFilter(filters) },
    fetchPolicy: 'cache-and-network',
  });
  const change = (patch: Partial<Filters>) => setFilters({ ...filters, ...patch });
  const more = (after: string | null | undefined) =>
    fetchMore({
      variables: { after },
      updateQuery: (previous, { fetchMoreResult }) => ({
        allOrders: {
          ...fetchMoreResult.allOrders,
          edges: [...previous.allOrders.edges, ...fetchMoreResult.allOrders.edges],
        },
      }),
    });
  return (
    <section>
      <h1>Orders{data && ` (${data.allOrders.totalCount})`}</h1>
      <form
        className="filters"
        aria-label="Order filters"
        onSubmit={(event) => event.preventDefault()}
      >
        <label>
          Status
          <select
            value={filters.status}
            onChange={(event) => change({ status: event.target.value as Filters['status'] })}
          >
            <option value="">Any</option>
            {STATUSES.map((status) => (
              <option key={status}>{status}</option>
            ))}
          </select>
        </label>
        <label>
          Placed from
          <input
            type="date"
            value={filters.from}
            onChange={(event) => change({ from: event.target.value })}
          />
        </label>
        <label>
          Placed to
          <input
            type="date"
            value={filters.to}
            onChange={(event) => change({ to: event.target.value })}
          />
        </label>
        {filters.buyer && (
          <button type="button" onClick={() => change({ buyer: null })}>
            Buyer: {filters.buyer.name} ✕
          </button>
        )}
      </form>
      {error && <p role="alert">{errorMessage(error)}</p>}
      {!data && !error && <p>Loading…</p>}
      {data && (
        <div className="table-scroll">
          <table className="admin-table">
            <thead>
              <tr>
                <th>Order</th>
                <th>Placed</th>
                <th>Buyer</th>
                <th>Total</th>
                <th>Status</th>
                <th>Fulfilment</th>
              </tr>
            </thead>
            <tbody>
              {data.allOrders.edges.map(({ node: order }) => (
                <tr key={order.id} data-testid="order-row">
                  <td>
                    <Link to={`/orders/${encodeURIComponent(order.id)}`}>
                      {formatOrderNumber(order.number)}
                    </Link>
                  </td>
                  <td>{formatDateTime(order.createdAt)}</td>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      title={`Only ${order.buyer.email ?? order.buyer.name}'s orders`}
                      onClick={() =>
                        change({ buyer: { id: order.buyer.id, name: order.buyer.name } })
                      }
                    >
                      {order.buyer.name}
                    </button>
                  </td>
                  <td>{formatMoney(order.total)}</td>
                  <td>{order.status}</td>
                  <td>
                    <AdvanceButton id={order.id} status={order.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data?.allOrders.pageInfo.hasNextPage && (
        <button
          type="button"
          disabled={loading}
          onClick={() => void more(data.allOrders.pageInfo.endCursor)}
        >
          More orders
        </button>
      )}
    </section>
  );
}
