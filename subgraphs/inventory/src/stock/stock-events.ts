import { tableNameOf, tableOf, type Database, type InventoryOutbox, type Prisma } from '../db';
import { DEFAULT_LOW_STOCK_THRESHOLD } from './stock.mapper';

export interface StockChangeOptions {
  /** Replaces the products' low-stock threshold in the same statement. */
  lowStockThreshold?: number;
  correlationId?: string | null;
}

/**
 * Records what a change of stock means for each product touched, in the
 * changing transaction: StockChanged with the new availability and, when it
 * is at or below the product's threshold, LowStock.
 */
export class StockEvents {
  constructor(
    private readonly db: Database,
    private readonly outbox: InventoryOutbox,
  ) {}

  /**
   * The same events for a change made by one statement, as its CTEs:
   * `available` is another of its CTEs giving each changed product's
   * availability after the change ("productId", available), read from the
   * statement's locked stock rows, as the statement's snapshot does not see
   * its own writes. Each product's settings row is locked by bumping its
   * version, as `record` does; `correlation` is the statement's parameter
   * holding the correlation id.
   */
  ctesFrom(available: string, correlation: string): string {
    const settings = tableNameOf(this.db, 'ProductStockSettings');
    return `versions AS (
        INSERT INTO ${settings} AS s ("productId", "lowStockThreshold", "version")
        SELECT "productId", ${DEFAULT_LOW_STOCK_THRESHOLD}, 1 FROM ${available} ORDER BY "productId"
        ON CONFLICT ("productId") DO UPDATE SET "version" = s."version" + 1
        RETURNING "productId", "lowStockThreshold", "version"
      ), stock_events AS (
        ${this.outbox.insertSelected(`
          SELECT 'StockChanged', v."productId"::text, v."version",
                 jsonb_build_object('productId', v."productId", 'available', a.available,
                   'inStock', a.available > 0, 'lowStockThreshold', v."lowStockThreshold"),
                 ${correlation}::text
            FROM versions v JOIN ${available} a USING ("productId")
          UNION ALL
          SELECT 'LowStock', v."productId"::text, v."version",
                 jsonb_build_object('productId', v."productId", 'available', a.available,
                   'threshold', v."lowStockThreshold"),
                 ${correlation}::text
            FROM versions v JOIN ${available} a USING ("productId")
           WHERE a.available <= v."lowStockThreshold"`)}
      )`;
  }

  /**
   * Call after the stock rows are written. Bumping each product's version
   * locks its settings row (in id order, as every writer does), so two
   * transactions changing one product take turns here; the availability is
   * read by the next statement, which sees the other's committed rows, so the
   * events of a product carry increasing versions and the last one is right.
   */
  async record(
    tx: Prisma.TransactionClient,
    productIds: readonly string[],
    options: StockChangeOptions = {},
  ): Promise<void> {
    const ids = [...new Set(productIds)].sort();
    if (ids.length === 0) return;
    const settings = tableOf(this.db, 'ProductStockSettings');
    const levels = tableOf(this.db, 'StockLevel');
    const threshold = options.lowStockThreshold ?? null;
    const versions = await tx.$queryRaw<
      { productId: string; lowStockThreshold: number; version: number }[]
    >`
      INSERT INTO ${settings} AS s ("productId", "lowStockThreshold", "version")
      SELECT id, COALESCE(${threshold}::int, ${DEFAULT_LOW_STOCK_THRESHOLD}::int), 1
        FROM unnest(${ids}::uuid[]) AS id ORDER BY id
      ON CONFLICT ("productId") DO UPDATE SET
        "version" = s."version" + 1,
        "lowStockThreshold" = COALESCE(${threshold}::int, s."lowStockThreshold")
      RETURNING "productId"::text, "lowStockThreshold", "version"`;
    const sums = await tx.$queryRaw<{ productId: string; available: number }[]>`
      SELECT "productId"::text, SUM(GREATEST("onHand" - "reserved", 0))::int AS available
        FROM ${levels} WHERE "productId" = ANY(${ids}::uuid[]) GROUP BY "productId"`;
    const available = new Map(sums.map((row) => [row.productId, row.available]));
    for (const { productId, lowStockThreshold, version } of versions) {
      const now = available.get(productId) ?? 0;
      const recordOptions = { version, correlationId: options.correlationId ?? null };
      await this.outbox.record(
        tx,
        'StockChanged',
        productId,
        { productId, available: now, inStock: now > 0, lowStockThreshold },
        recordOptions,
      );
      if (now <= lowStockThreshold) {
        await this.outbox.record(
          tx,
          'LowStock',
          productId,
          { productId, available: now, threshold: lowStockThreshold },
          recordOptions,
        );
      }
    }
  }
}
