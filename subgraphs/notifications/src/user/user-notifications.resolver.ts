import { Arg, Ctx, Directive, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { requireUser } from '@shop/federation';
import { NotFoundError } from '@shop/platform';
import type { NotificationsContext } from '../context';
import { NotificationConnection } from '../notification/notification.connection';
import { UserStub } from './user.stub';

@Resolver(() => UserStub)
export class UserNotificationsResolver {
  @Directive('@authenticated')
  @Directive('@listSize(slicingArguments: ["first"], sizedFields: ["edges"])')
  @FieldResolver(() => NotificationConnection, {
    // Nullable so that refusing another user's feed nulls this field, not the whole user.
    nullable: true,
    description:
      'The in-app feed, newest first, with the unread count; first is 1..100. The user’s own; NOT_FOUND for anyone else.',
  })
  notifications(
    @Root() user: UserStub,
    @Arg('first', () => Int) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: NotificationsContext,
  ): Promise<NotificationConnection> {
    // A feed is personal: not even an ADMIN reads another user's.
    const { userId } = requireUser(ctx.identity);
    if (userId !== user.id) throw new NotFoundError('Notifications not found');
    return ctx.services.notifications.feedOf(user.id, first, after ?? undefined);
  }
}
