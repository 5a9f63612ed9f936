import { useMutation } from '@apollo/client';
import {
  MarkNotificationsReadDocument,
  MyNotificationsDocument,
} from '../../../generated/operations';
import { errorMessage, formatDateTime } from '../format';
import { Link } from '../navigation';
import { FEED_SIZE, useNotificationFeed } from './useNotificationFeed';

/** /notifications: the feed, newest first, new ones arriving live; mark all read. */
export function NotificationsPage() {
  const feed = useNotificationFeed();
  const [markRead, marking] = useMutation(MarkNotificationsReadDocument, {
    refetchQueries: [{ query: MyNotificationsDocument, variables: { first: FEED_SIZE } }],
    awaitRefetchQueries: true,
  });
  if (feed.error) return <p role="alert">{errorMessage(feed.error)}</p>;
  const notifications = feed.data?.me?.notifications;
  if (!notifications) return <p>Loading…</p>;
  return (
    <section>
      <h1>Notifications</h1>
      <p>
        {notifications.unreadCount} unread of {notifications.totalCount}.{' '}
        {notifications.unreadCount > 0 && (
          <button
            type="button"
            disabled={marking.loading}
            onClick={() => void markRead({ variables: {} }).catch(() => undefined)}
          >
            Mark all read
          </button>
        )}
      </p>
      {marking.error && <p role="alert">{errorMessage(marking.error)}</p>}
      <ul className="notifications" aria-live="polite">
        {notifications.edges.map(({ node }) => (
          <li
            key={node.id}
            className={node.readAt ? 'panel' : 'panel unread'}
            data-testid="notification"
          >
            <strong>{node.title}</strong> <small>{formatDateTime(node.createdAt)}</small>
            <p>{node.body}</p>
            {node.kind !== 'LOW_STOCK' && (
              <Link to={`/orders/${encodeURIComponent(node.subjectId)}`}>See the order</Link>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
