import {
  Arg,
  Ctx,
  Directive,
  ID,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { liveTopics, type LivePayload } from '@shop/events';
import type { OrdersContext } from '../context';
import { Order } from '../order/order.type';

/**
 * Orders as their status moves. Each event is resolved with a context of
 * its own (the subgraph server builds one per event), and the order is read
 * through the service, so every event answers the order as it is now.
 */
@Resolver()
export class OrderLiveResolver {
  @Directive('@authenticated')
  @Subscription(() => Order, {
    description:
      'The order after every move of its status. Its buyer and ADMINs only: NOT_FOUND for anyone else, as for an unknown id.',
    subscribe: async ({
      args,
      context,
    }: SubscribeResolverData<unknown, { orderId: string }, OrdersContext>) => {
      const order = await context.services.orders.visibleById(context.identity, args.orderId);
      return context.pubSub.subscribe(liveTopics.orderStatusChanged(order.id));
    },
  })
  orderStatusChanged(
    @Root() event: LivePayload<'orderStatusChanged'>,
    @Arg('orderId', () => ID, { description: 'The order to follow.' }) _orderId: string,
    @Ctx() ctx: OrdersContext,
  ): Promise<Order> {
    return ctx.services.orders.visibleById(ctx.identity, event.data.orderId);
  }
}
