import type { OrdersContext } from '../context';
import type { Order } from './order.type';

export const orderReference = {
  __resolveReference(reference: { id: string }, ctx: OrdersContext): Promise<Order | null> {
    return ctx.loaders.orderById.load(reference.id);
  },
};
