import { useQuery } from '@apollo/client';
import { NotificationDeliveriesDocument } from '../../../generated/operations';
import { errorMessage, formatDateTime } from '../format';

const LOG_SIZE = 100;

/** The notifications' delivery log, newest first: every channel's sending and each attempt. */
export function DeliveryLogPage() {
  const log = useQuery(NotificationDeliveriesDocument, {
    variables: { first: LOG_SIZE },
    fetchPolicy: 'cache-and-network',
  });
  if (log.error) return <p role="alert">{errorMessage(log.error)}</p>;
  if (!log.data) return <p>Loading…</p>;
  const deliveries = log.data.notificationDeliveries;
  return (
    <section>
      <h1>Notification deliveries ({deliveries.length})</h1>
      <div className="table-scroll">
        <table className="admin-table">
          <thead>
            <tr>
              <th>Made</th>
              <th>Kind</th>
              <th>Channel</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Subject</th>
              <th>Last error</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((delivery) => (
              <tr key={delivery.id} data-testid="delivery">
                <td>{formatDateTime(delivery.createdAt)}</td>
                <td>{delivery.kind}</td>
                <td>{delivery.channel}</td>
                <td>{delivery.status}</td>
                <td title={delivery.log.map((attempt) => attempt.outcome).join(', ')}>
                  {delivery.attempts}
                </td>
                <td>{delivery.subject}</td>
                <td>{delivery.lastError ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
