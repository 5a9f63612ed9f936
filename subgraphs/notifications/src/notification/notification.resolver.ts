import { Arg, Ctx, Directive, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { requireUser } from '@shop/federation';
import type { NotificationsContext } from '../context';
import { Notification } from './notification.type';

@Resolver(() => Notification)
export class NotificationResolver {
  @Directive('@authenticated')
  @Query(() => Notification, {
    description: 'One notification of the signed-in user’s feed; NOT_FOUND for anyone else’s.',
  })
  notification(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: NotificationsContext,
  ): Promise<Notification> {
    return ctx.services.notifications.ownById(requireUser(ctx.identity).userId, id);
  }

  @Directive('@authenticated')
  @Mutation(() => Int, {
    description:
      'Marks the given notifications of the signed-in user read, or all of them without ids; answers how many were unread. NOT_FOUND (and nothing marked) if an id is not the user’s.',
  })
  markNotificationsRead(
    @Arg('ids', () => [ID], { nullable: true }) ids: string[] | undefined,
    @Ctx() ctx: NotificationsContext,
  ): Promise<number> {
    return ctx.services.notifications.markRead(requireUser(ctx.identity).userId, ids ?? undefined);
  }
}
