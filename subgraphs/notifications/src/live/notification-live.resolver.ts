import {
  Ctx,
  Directive,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { requireUser } from '@shop/federation';
import { liveTopics, type LivePayload } from '@shop/events';
import type { NotificationsContext } from '../context';
import { Notification } from '../notification/notification.type';

/**
 * The signed-in user's new notifications as the in-app channel delivers
 * them. The topic is the user's own, so no one hears another's; each event
 * reads the notification fresh through the same check as the query.
 */
@Resolver()
export class NotificationLiveResolver {
  @Directive('@authenticated')
  @Subscription(() => Notification, {
    description: 'Every new notification of the signed-in user’s feed, as it arrives.',
    subscribe: ({ context }: SubscribeResolverData<unknown, object, NotificationsContext>) =>
      context.pubSub.subscribe(
        liveTopics.notificationReceived(requireUser(context.identity).userId),
      ),
  })
  notificationReceived(
    @Root() event: LivePayload<'notificationReceived'>,
    @Ctx() ctx: NotificationsContext,
  ): Promise<Notification> {
    return ctx.services.notifications.ownById(
      requireUser(ctx.identity).userId,
      event.notificationId,
    );
  }
}
