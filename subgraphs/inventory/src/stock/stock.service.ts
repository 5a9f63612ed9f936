import { isUuid } from '@shop/federation';
import type { Database } from '../db';
import { warehouseColumns } from '../warehouse/warehouse.service';
import {
  DEFAULT_LOW_STOCK_THRESHOLD,
  toProductInventory,
  type StockLevelRow,
} from './stock.mapper';
import type { ProductInventory } from './stock.type';

export class StockService {
  constructor(private readonly db: Database) {}

  /**
   * The inventory of each product, in the order asked, one for every id (a
   * product never stocked has nothing available): one query for the stock
   * levels of all of them with their warehouses, one for their thresholds.
   */
  async inventoriesOf(productIds: readonly string[]): Promise<ProductInventory[]> {
    const ids = productIds.filter(isUuid);
    const [levels, settings] = await Promise.all([
      this.db.prisma.stockLevel.findMany({
        select: {
          productId: true,
          onHand: true,
          reserved: true,
          warehouse: { select: warehouseColumns },
        },
        where: { productId: { in: ids } },
        orderBy: [{ warehouse: { name: 'asc' } }, { warehouseId: 'asc' }],
      }),
      this.db.prisma.productStockSettings.findMany({
        select: { productId: true, lowStockThreshold: true },
        where: { productId: { in: ids } },
      }),
    ]);
    const levelsByProduct = new Map<string, StockLevelRow[]>(ids.map((id) => [id, []]));
    for (const level of levels) levelsByProduct.get(level.productId)?.push(level);
    const thresholds = new Map(settings.map((row) => [row.productId, row.lowStockThreshold]));
    return productIds.map((id) =>
      toProductInventory(
        id,
        levelsByProduct.get(id) ?? [],
        thresholds.get(id) ?? DEFAULT_LOW_STOCK_THRESHOLD,
      ),
    );
  }
}
