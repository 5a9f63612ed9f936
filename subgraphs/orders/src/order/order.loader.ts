import DataLoader from 'dataloader';
import { groupedLoader, keyedLoader } from '@shop/federation';
import type { OrderItem } from './order-item.type';
import type { OrderRow } from './order.mapper';
import type { OrderService } from './order.service';
import type { OrderStatusChange } from './order-status-change.type';
import type { Order } from './order.type';

export function createOrderLoaders(service: OrderService) {
  const firstPagesBySize = new Map<number, DataLoader<string, OrderRow[]>>();
  return {
    orderById: keyedLoader<string, Order>(
      (ids) => service.byIds(ids),
      (order) => order.id,
    ),
    itemsByOrderId: groupedLoader<string, OrderItem>(
      (ids) => service.itemsOf(ids),
      (item) => item.orderId,
    ),
    statusHistoryByOrderId: groupedLoader<string, OrderStatusChange>(
      (ids) => service.statusHistoryOf(ids),
      (change) => change.orderId,
    ),
    orderCountByUserId: new DataLoader<string, number>(async (userIds) => {
      const counts = await service.countsOfUsers(userIds);
      return userIds.map((id) => counts.get(id) ?? 0);
    }),
    /** One DataLoader per page size, so users asking for the same page share a query. */
    firstOrderPageOfUser(first: number): DataLoader<string, OrderRow[]> {
      let loader = firstPagesBySize.get(first);
      if (!loader) {
        loader = new DataLoader(async (userIds: readonly string[]) => {
          const pages = await service.firstPagesOfUsers(userIds, first);
          return userIds.map((id) => pages.get(id) ?? []);
        });
        firstPagesBySize.set(first, loader);
      }
      return loader;
    },
  };
}
