import type { SqlSession } from '@shop/database';
import type { EventDataOf, EventEnvelope } from '@shop/events';
import { isUuid } from '@shop/federation';
import { Prisma, type Database, tableOf } from '../db';

type StockChanged = EventEnvelope<'StockChanged', EventDataOf<'inventory.events', 'StockChanged'>>;

/** The projection of inventory's stock that the inStock filter reads. */
export class ProductStockService {
  constructor(private readonly db: Database) {}

  /**
   * Applies a StockChanged in the consumer's transaction, in one statement:
   * a product this subgraph does not know is skipped (no row, no foreign-key
   * failure that would stall the consumer), and an event older than the one
   * applied last (a lower version, delivered late) changes nothing. Equal
   * versions apply, so a producer that does not count versions still has
   * its latest event win.
   */
  async applyStockChange(tx: SqlSession, event: StockChanged): Promise<void> {
    const { productId, inStock } = event.data;
    if (!isUuid(productId)) return;
    const stock = tableOf(this.db, 'ProductStock');
    const products = tableOf(this.db, 'Product');
    await tx.execute(Prisma.sql`
      INSERT INTO ${stock} ("productId", "inStock", "stockVersion", "updatedAt")
      SELECT p.id, ${inStock}, ${event.version}, now() FROM ${products} p WHERE p.id = ${productId}::uuid
      ON CONFLICT ("productId") DO UPDATE
        SET "inStock" = EXCLUDED."inStock", "stockVersion" = EXCLUDED."stockVersion", "updatedAt" = now()
        WHERE "ProductStock"."stockVersion" <= EXCLUDED."stockVersion"`);
  }
}
