import {
  assertPageSize,
  decodeCursor,
  encodeCursor,
  isUuid,
  toConnection,
  type Connection,
} from '@shop/federation';
import { BadUserInputError } from '@shop/platform';
import { Prisma, tableOf, type Database } from '../db';
import { DEFAULT_LOW_STOCK_THRESHOLD } from './stock.mapper';
import type { StockService } from './stock.service';
import type { ProductInventory } from './stock.type';

interface LowStockRow {
  productId: string;
  available: number;
}

const cursorOf = (row: LowStockRow) => encodeCursor([row.available, row.productId]);

/**
 * Products at or below their low-stock threshold, for ADMINs to restock:
 * what the LowStockAlert subscription announces, as a list to come back to.
 */
export class LowStockService {
  private readonly levels: Prisma.Sql;
  private readonly settings: Prisma.Sql;

  constructor(
    private readonly db: Database,
    private readonly stock: StockService,
  ) {
    this.levels = tableOf(db, 'StockLevel');
    this.settings = tableOf(db, 'ProductStockSettings');
  }

  /**
   * Fewest available first, then by product id; one statement for the page
   * and the count, one for the page's inventories. Only products inventory
   * has stocked are known here: a product never restocked is in none of its
   * tables (and is out of stock, not low on it).
   */
  async list(first: number, after: string | undefined): Promise<Connection<ProductInventory>> {
    assertPageSize(first);
    const position = after === undefined ? undefined : positionOf(after);
    const afterPosition = position
      ? Prisma.sql`WHERE (available, "productId") > (${position.available}::int, ${position.productId}::uuid)`
      : Prisma.empty;
    // The count comes with the page, and alone (a null product) when the page is empty.
    const answer = await this.db.prisma.$queryRaw<
      { productId: string | null; available: number | null; total: number }[]
    >`
      WITH low AS (
        SELECT l."productId", sum(greatest(l."onHand" - l."reserved", 0))::int AS available
        FROM ${this.levels} l
        LEFT JOIN ${this.settings} s ON s."productId" = l."productId"
        GROUP BY l."productId", s."lowStockThreshold"
        HAVING sum(greatest(l."onHand" - l."reserved", 0))
               <= coalesce(s."lowStockThreshold", ${DEFAULT_LOW_STOCK_THRESHOLD}::int)
      )
      SELECT page."productId", page.available, counted.total
      FROM (SELECT count(*)::int AS total FROM low) counted
      LEFT JOIN LATERAL (
        SELECT "productId", available FROM low
        ${afterPosition}
        ORDER BY available, "productId"
        LIMIT ${first + 1}
      ) page ON true`;
    const rows = answer.flatMap(({ productId, available }) =>
      productId === null || available === null ? [] : [{ productId, available }],
    );
    const inventories = new Map(
      (await this.stock.inventoriesOf(rows.slice(0, first).map((row) => row.productId))).map(
        (inventory) => [inventory.productId, inventory],
      ),
    );
    return toConnection(
      rows,
      first,
      answer[0]?.total ?? 0,
      position !== undefined,
      cursorOf,
      // Read a moment after the page: the inventory answered is the current one.
      (row) => inventories.get(row.productId)!,
    );
  }
}

function positionOf(cursor: string): LowStockRow {
  const [available, productId] = decodeCursor(cursor);
  if (typeof available !== 'number' || typeof productId !== 'string' || !isUuid(productId)) {
    throw new BadUserInputError('after is not a cursor of this list', { argument: 'after' });
  }
  return { available, productId };
}
