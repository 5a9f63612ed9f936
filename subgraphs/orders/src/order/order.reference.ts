import { mayAccess } from '@shop/federation';
import type { OrdersContext } from '../context';
import type { Order } from './order.type';

/**
 * Loaded in one batch with the other references, then filtered: an order the
 * caller may not see resolves to null, as an unknown one does.
 */
export async function resolveOrderReference(
  reference: { id: string },
  ctx: OrdersContext,
): Promise<Order | null> {
  const order = await ctx.loaders.orderById.load(reference.id);
  return order && mayAccess(ctx.identity, order.userId) ? order : null;
}
