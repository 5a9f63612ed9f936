import { Link } from '../navigation';
import { useNotificationFeed } from './useNotificationFeed';

/** The top bar's way to the feed, with the unread count, live. */
export function NotificationsLink() {
  const feed = useNotificationFeed();
  const unread = feed.data?.me?.notifications?.unreadCount ?? 0;
  return (
    <Link to="/notifications" className="notifications-link">
      Notifications
      {unread > 0 && (
        <span className="badge" aria-label={`${unread} unread`}>
          {unread}
        </span>
      )}
    </Link>
  );
}
