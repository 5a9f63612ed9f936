import {
  Arg,
  Ctx,
  Directive,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { OrdersContext } from '../context';
import { OrderConnection } from './order.connection';
import { OrderFilter } from './order.input';
import { OrderItem } from './order-item.type';
import { OrderStatus } from './order-status';
import { OrderStatusChange } from './order-status-change.type';
import { Order } from './order.type';

@Resolver(() => Order)
export class OrderResolver {
  @Directive('@authenticated')
  @Query(() => Order, {
    nullable: true,
    description: 'For its buyer and ADMINs; NOT_FOUND for anyone else, as for an unknown id.',
  })
  order(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdersContext): Promise<Order> {
    return ctx.services.orders.visibleById(ctx.identity, id);
  }

  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Directive('@listSize(slicingArguments: ["first"], sizedFields: ["edges"])')
  @Query(() => OrderConnection, {
    description: "ADMIN only. Every buyer's orders, newest first; first is 1..100.",
  })
  allOrders(
    @Arg('first', () => Int) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Arg('filter', () => OrderFilter, { nullable: true }) filter: OrderFilter | undefined,
    @Ctx() ctx: OrdersContext,
  ): Promise<OrderConnection> {
    return ctx.services.orders.list(ctx.identity, first, after ?? undefined, filter ?? undefined);
  }

  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Mutation(() => Order, {
    description:
      'ADMIN only: PAID -> SHIPPED -> DELIVERED, announcing OrderShipped / OrderDelivered. Any other move is a CONFLICT.',
  })
  advanceOrder(
    @Arg('id', () => ID) id: string,
    @Arg('to', () => OrderStatus) to: OrderStatus,
    @Ctx() ctx: OrdersContext,
  ): Promise<Order> {
    return ctx.services.orders.advance(ctx.identity, id, to);
  }

  @Directive('@listSize(assumedSize: 20)')
  @FieldResolver(() => [OrderItem])
  items(@Root() order: Order, @Ctx() ctx: OrdersContext): Promise<OrderItem[]> {
    return ctx.loaders.itemsByOrderId.load(order.id);
  }

  @Directive('@listSize(assumedSize: 10)')
  @FieldResolver(() => [OrderStatusChange], { description: 'Oldest first.' })
  statusHistory(@Root() order: Order, @Ctx() ctx: OrdersContext): Promise<OrderStatusChange[]> {
    return ctx.loaders.statusHistoryByOrderId.load(order.id);
  }
}
