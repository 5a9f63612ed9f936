import type { SqlSession } from '@shop/database';
import type { EventEnvelope, ProductSnapshot } from '@shop/events';
import { isUuid } from '@shop/federation';
import { Prisma, SQL_NOW, tableOf, type Database } from '../db';

/**
 * The projection of products.events' names, so an alert about a product
 * (low stock) names it. Every snapshot carries the name; the newest version
 * wins, as events of one product may arrive out of order.
 */
export class ProductNameService {
  constructor(private readonly db: Database) {}

  async apply(tx: SqlSession, event: EventEnvelope<string, ProductSnapshot>) {
    const { productId, name } = event.data;
    // A malformed event cannot be stored; failing would only retry it forever.
    if (!isUuid(productId)) return;
    await tx.execute(Prisma.sql`
      INSERT INTO ${tableOf(this.db, 'ProductName')} AS p ("productId", "name", "version", "updatedAt")
      VALUES (${productId}::uuid, ${name}, ${event.version}, ${SQL_NOW})
      ON CONFLICT ("productId") DO UPDATE SET
        "name" = EXCLUDED."name",
        "version" = EXCLUDED."version",
        "updatedAt" = EXCLUDED."updatedAt"
      WHERE p."version" < EXCLUDED."version"`);
  }

  /** The product's name, if its snapshot has arrived (inventory's events come on another stream). */
  async nameOf(tx: SqlSession, productId: string): Promise<string | undefined> {
    const [row] = await tx.rows<{ name: string }>(Prisma.sql`
      SELECT "name" FROM ${tableOf(this.db, 'ProductName')} WHERE "productId" = ${productId}::uuid`);
    return row?.name;
  }
}
