import { useQuery, useSubscription } from '@apollo/client';
import {
  MyNotificationsDocument,
  NotificationReceivedDocument,
} from '../../../generated/operations';

/** How many of the newest notifications the feed shows. */
export const FEED_SIZE = 20;

/**
 * The signed-in user's feed, kept current live: every notificationReceived
 * refetches it, so the unread count and the list move together.
 */
export function useNotificationFeed() {
  const feed = useQuery(MyNotificationsDocument, {
    variables: { first: FEED_SIZE },
    fetchPolicy: 'cache-and-network',
  });
  useSubscription(NotificationReceivedDocument, {
    onData: () => void feed.refetch().catch(() => undefined),
  });
  return feed;
}
