import { announceEntityChanged } from '@shop/events';
import type { InventoryContext } from '../context';

/**
 * Announces, once a change of stock is committed, that these products'
 * availability changed, so the router's cache drops it before the caller's
 * next read (a checkout's buyer looks at the product page next). The live
 * feed announces every StockChanged as well, later: that one covers the
 * changes no request waits on, such as expired reservations.
 */
export async function announceStockChanged(
  ctx: InventoryContext,
  productIds: readonly string[],
): Promise<void> {
  await Promise.all(
    [...new Set(productIds)].map((id) => announceEntityChanged(ctx.pubSub, 'Product', id, ctx.log)),
  );
}
