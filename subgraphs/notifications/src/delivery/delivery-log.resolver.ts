import { Arg, Ctx, Directive, Int, Query, Resolver } from 'type-graphql';
import { requireAdmin } from '@shop/federation';
import type { NotificationsContext } from '../context';
import { DeliveryStatus, NotificationDelivery } from './delivery.type';

@Resolver(() => NotificationDelivery)
export class DeliveryLogResolver {
  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Directive('@listSize(slicingArguments: ["first"])')
  @Query(() => [NotificationDelivery], {
    description:
      'The delivery log: deliveries newest first, with every attempt; first is 1 to 100. ADMIN only.',
  })
  notificationDeliveries(
    @Arg('first', () => Int) first: number,
    @Arg('status', () => DeliveryStatus, { nullable: true }) status: DeliveryStatus | undefined,
    @Ctx() ctx: NotificationsContext,
  ): Promise<NotificationDelivery[]> {
    requireAdmin(ctx.identity);
    return ctx.services.deliveryLog.newest(first, status ?? undefined);
  }
}
