import type { DomainEvent } from './catalog';

/**
 * Whether an inventory event can change a copy that keeps only whether a
 * product is in stock (products' filter, search's flag): a StockChanged
 * that did not flip inStock cannot, and its consumer skips the transaction
 * (most checkouts move a product's availability without emptying it).
 */
export function changesInStockFlag(event: DomainEvent<'inventory.events'>): boolean {
  return event.type !== 'StockChanged' || event.data.inStockChanged !== false;
}
