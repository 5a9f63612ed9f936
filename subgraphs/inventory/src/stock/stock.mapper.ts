import type { Warehouse } from '../warehouse/warehouse.type';
import type { ProductInventory, WarehouseStock } from './stock.type';

/** What ProductStockSettings' column defaults to, for products without a row. */
export const DEFAULT_LOW_STOCK_THRESHOLD = 5;

export interface StockLevelRow {
  productId: string;
  onHand: number;
  reserved: number;
  warehouse: Warehouse;
}

export function toWarehouseStock(row: StockLevelRow): WarehouseStock {
  return {
    warehouse: row.warehouse,
    onHand: row.onHand,
    reserved: row.reserved,
    // The table's CHECK keeps reserved <= onHand; the floor keeps a sum from ever going negative.
    available: Math.max(row.onHand - row.reserved, 0),
  };
}

export function toProductInventory(
  productId: string,
  levels: readonly StockLevelRow[],
  lowStockThreshold: number,
): ProductInventory {
  const warehouses = levels.map(toWarehouseStock);
  const available = warehouses.reduce((sum, stock) => sum + stock.available, 0);
  return {
    productId,
    available,
    inStock: available > 0,
    lowStockThreshold,
    warehouses,
    product: { id: productId },
  };
}
