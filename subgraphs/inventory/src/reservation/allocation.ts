import { OutOfStockError } from '@shop/platform';

export interface RequestedLine {
  productId: string;
  quantity: number;
}

/** One warehouse's stock of one product as locked for a reservation. */
export interface LockedStock {
  productId: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
}

export interface Allocation {
  productId: string;
  warehouseId: string;
  quantity: number;
}

/**
 * Where each line's units are held: from the warehouse with the most
 * available first, splitting a line over several when one has too little, so
 * a line takes as few warehouses as it can. All or nothing: the first line
 * the stock cannot cover is OUT_OF_STOCK, naming its product.
 */
export function allocate(
  lines: readonly RequestedLine[],
  stock: readonly LockedStock[],
): Allocation[] {
  const allocations: Allocation[] = [];
  for (const line of lines) {
    const sources = stock
      .filter((row) => row.productId === line.productId)
      .map((row) => ({ warehouseId: row.warehouseId, available: row.onHand - row.reserved }))
      .filter((source) => source.available > 0)
      .sort((a, b) => b.available - a.available || a.warehouseId.localeCompare(b.warehouseId));
    const available = sources.reduce((sum, source) => sum + source.available, 0);
    if (available < line.quantity) {
      throw new OutOfStockError(
        `Not enough stock of product ${line.productId}: ${line.quantity} wanted, ${available} available`,
        { productId: line.productId },
      );
    }
    let missing = line.quantity;
    for (const source of sources) {
      if (missing === 0) break;
      const quantity = Math.min(missing, source.available);
      allocations.push({ productId: line.productId, warehouseId: source.warehouseId, quantity });
      missing -= quantity;
    }
  }
  return allocations;
}

/** The lines with one entry per product (quantities added up), in the order first asked. */
export function mergeLines(lines: readonly RequestedLine[]): RequestedLine[] {
  const merged = new Map<string, number>();
  for (const line of lines) {
    merged.set(line.productId, (merged.get(line.productId) ?? 0) + line.quantity);
  }
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }));
}
