import { tableNameOf, tableOf, type Database, type InventoryOutbox, Prisma } from '../db';
import { DEFAULT_LOW_STOCK_THRESHOLD } from './stock.mapper';

export interface StockChangeOptions {
  /** Replaces the products' low-stock threshold in the same statement. */
  lowStockThreshold?: number;
  correlationId?: string | null;
}

/**
 * Sets a product's settings row as a new StockChanged announces it (the
 * upsert's EXCLUDED row carrying the new flag): its version bumped, the flag
 * announced, and the version at which the flag last changed, compared with
 * the row as it was (SET reads the old row), which the row lock keeps
 * serial per product.
 */
const FLAG_FLIPS = `"version" = s."version" + 1,
        "announcedInStock" = EXCLUDED."announcedInStock",
        "inStockVersion" = CASE
          WHEN s."announcedInStock" IS DISTINCT FROM EXCLUDED."announcedInStock"
          THEN s."version" + 1 ELSE s."inStockVersion" END`;

/** The same for a row whose version the transaction bumped already, by `sums`' availability. */
const FLAG_FLIPS_BY_SUM = `"announcedInStock" = sums.available > 0,
        "inStockVersion" = CASE
          WHEN s."announcedInStock" IS DISTINCT FROM (sums.available > 0)
          THEN s."version" ELSE s."inStockVersion" END`;

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
        INSERT INTO ${settings} AS s
          ("productId", "lowStockThreshold", "version", "announcedInStock", "inStockVersion")
        SELECT "productId", ${DEFAULT_LOW_STOCK_THRESHOLD}, 1, available > 0, 1
          FROM ${available} ORDER BY "productId"
        ON CONFLICT ("productId") DO UPDATE SET ${FLAG_FLIPS}
        RETURNING "productId", "lowStockThreshold", "version",
                  "inStockVersion" = "version" AS "inStockChanged"
      ), stock_events AS (
        ${this.outbox.insertSelected(`
          SELECT 'StockChanged', v."productId"::text, v."version",
                 jsonb_build_object('productId', v."productId", 'available', a.available,
                   'inStock', a.available > 0, 'lowStockThreshold', v."lowStockThreshold",
                   'inStockChanged', v."inStockChanged"),
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
    // The flag is written where the availability is read, after the lock: a statement that
    // read it before the lock was granted would compare against a flag already overwritten.
    const sums = await tx.$queryRaw<
      { productId: string; available: number; inStockChanged: boolean }[]
    >`
      WITH sums AS (
        SELECT id AS "productId",
               COALESCE((SELECT SUM(GREATEST(l."onHand" - l."reserved", 0))::int
                           FROM ${levels} l WHERE l."productId" = id), 0) AS available
          FROM unnest(${ids}::uuid[]) AS id
      ), flags AS (
        UPDATE ${settings} s SET ${Prisma.raw(FLAG_FLIPS_BY_SUM)}
          FROM sums WHERE s."productId" = sums."productId"
        RETURNING s."productId", s."inStockVersion" = s."version" AS "inStockChanged"
      )
      SELECT sums."productId"::text, sums.available, flags."inStockChanged"
        FROM sums JOIN flags USING ("productId")`;
    const available = new Map(sums.map((row) => [row.productId, row]));
    for (const { productId, lowStockThreshold, version } of versions) {
      const { available: now, inStockChanged } = available.get(productId)!;
      const recordOptions = { version, correlationId: options.correlationId ?? null };
      await this.outbox.record(
        tx,
        'StockChanged',
        productId,
        { productId, available: now, inStock: now > 0, lowStockThreshold, inStockChanged },
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
