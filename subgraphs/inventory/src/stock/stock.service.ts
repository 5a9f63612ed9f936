import { isUuid, uuidOf } from '@shop/federation';
import { NotFoundError, integerIn } from '@shop/platform';
import {
  SQL_NOW,
  STOCK_TRANSACTION,
  tableOf,
  type Database,
  type InventoryOutbox,
  type Prisma,
} from '../db';
import { warehouseColumns } from '../warehouse/warehouse.service';
import type { RestockInput } from './restock.input';
import type { StockEvents } from './stock-events';
import {
  DEFAULT_LOW_STOCK_THRESHOLD,
  toProductInventory,
  type StockLevelRow,
} from './stock.mapper';
import type { ProductInventory } from './stock.type';

/** The most units one restock adds, and the highest low-stock threshold. */
export const MAX_QUANTITY = 1_000_000;

export class StockService {
  constructor(
    private readonly db: Database,
    private readonly events: StockEvents,
    private readonly outbox: InventoryOutbox,
  ) {}

  /**
   * The inventory of each product, in the order asked, one for every id (a
   * product never stocked has nothing available): one query for the stock
   * levels of all of them with their warehouses, one for their thresholds.
   */
  async inventoriesOf(
    productIds: readonly string[],
    client: Prisma.TransactionClient = this.db.prisma,
  ): Promise<ProductInventory[]> {
    const ids = productIds.filter(isUuid);
    const [levels, settings] = await Promise.all([
      client.stockLevel.findMany({
        select: {
          productId: true,
          onHand: true,
          reserved: true,
          warehouse: { select: warehouseColumns },
        },
        where: { productId: { in: ids } },
        orderBy: [{ warehouse: { name: 'asc' } }, { warehouseId: 'asc' }],
      }),
      client.productStockSettings.findMany({
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

  /**
   * Adds units to one warehouse's stock of a product (an atomic increment, so
   * concurrent restocks all count) and records the product's new availability,
   * in one transaction. Any UUID is a product: the catalog is another
   * subgraph's, and stock may arrive before its product is announced.
   */
  async restock(
    input: RestockInput,
    correlationId: string | null = null,
  ): Promise<ProductInventory> {
    const productId = uuidOf(input.productId, 'productId');
    const warehouseId = uuidOf(input.warehouseId, 'warehouseId');
    const quantity = integerIn(input.quantity, 'quantity', 1, MAX_QUANTITY);
    const lowStockThreshold =
      input.lowStockThreshold == null
        ? undefined
        : integerIn(input.lowStockThreshold, 'lowStockThreshold', 0, MAX_QUANTITY);
    const levels = tableOf(this.db, 'StockLevel');

    const inventory = await this.db.prisma.$transaction(async (tx) => {
      const warehouse = await tx.warehouse.findUnique({
        where: { id: warehouseId },
        select: { id: true },
      });
      if (!warehouse) throw new NotFoundError('Warehouse not found', { field: 'warehouseId' });
      await tx.$executeRaw`
        INSERT INTO ${levels} AS l ("productId", "warehouseId", "onHand", "reserved", "updatedAt")
        VALUES (${productId}::uuid, ${warehouseId}::uuid, ${quantity}, 0, ${SQL_NOW})
        ON CONFLICT ("productId", "warehouseId") DO UPDATE SET
          "onHand" = l."onHand" + EXCLUDED."onHand", "updatedAt" = EXCLUDED."updatedAt"`;
      await this.events.record(tx, [productId], { lowStockThreshold, correlationId });
      const [changed] = await this.inventoriesOf([productId], tx);
      return changed!;
    }, STOCK_TRANSACTION);
    this.outbox.committed();
    return inventory;
  }
}
