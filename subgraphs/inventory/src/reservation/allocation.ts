export interface RequestedLine {
  productId: string;
  quantity: number;
}

/** Units of one product held in one warehouse: a line of a reservation. */
export interface Allocation {
  productId: string;
  warehouseId: string;
  quantity: number;
}

/** The lines with one entry per product (quantities added up), in the order first asked. */
export function mergeLines(lines: readonly RequestedLine[]): RequestedLine[] {
  const merged = new Map<string, number>();
  for (const line of lines) {
    merged.set(line.productId, (merged.get(line.productId) ?? 0) + line.quantity);
  }
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }));
}
