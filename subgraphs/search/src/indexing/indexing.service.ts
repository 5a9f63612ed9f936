import type { SqlSession } from '@shop/database';
import type { ProductSnapshot } from '@shop/events';
import { Prisma, SQL_NOW, type Database, tableOf } from '../db';

/**
 * Applies product and stock events to the index, inside the consumer's
 * transaction. Every write is conditional on the event's version being newer
 * than the one applied, so a late or redelivered event never rolls a
 * document back.
 */
export class IndexingService {
  private readonly documents: Prisma.Sql;
  private readonly stock: Prisma.Sql;

  constructor(db: Pick<Database, 'schema'>) {
    this.documents = tableOf(db, 'SearchDocument');
    this.stock = tableOf(db, 'StockProjection');
  }

  /**
   * Creates or updates the product's document from the snapshot. A new
   * document takes its stock from the projection, in case the product's
   * StockChanged arrived first; an existing one keeps its own. An archived
   * product's document stays, flagged, so an older event arriving late
   * cannot bring it back into search.
   */
  async applyProduct(tx: SqlSession, product: ProductSnapshot, version: number): Promise<void> {
    await tx.execute(Prisma.sql`
      INSERT INTO ${this.documents} AS d
        ("productId", "name", "description", "categoryId", "categoryName", "priceAmount",
         "priceCurrency", "inStock", "archived", "productVersion", "stockVersion", "updatedAt")
      SELECT p.id, ${product.name}, ${product.description}, ${product.categoryId}::uuid,
             ${product.categoryName}, ${product.price.amount}::int, ${product.price.currency},
             coalesce(s."inStock", false), ${product.archived === true}, ${version}::int,
             coalesce(s."version", 0), ${SQL_NOW}
      FROM (SELECT ${product.productId}::uuid AS id) p
      LEFT JOIN ${this.stock} s ON s."productId" = p.id
      ON CONFLICT ("productId") DO UPDATE SET
        "name" = excluded."name",
        "description" = excluded."description",
        "categoryId" = excluded."categoryId",
        "categoryName" = excluded."categoryName",
        "priceAmount" = excluded."priceAmount",
        "priceCurrency" = excluded."priceCurrency",
        "archived" = excluded."archived",
        "productVersion" = excluded."productVersion",
        "updatedAt" = excluded."updatedAt"
      WHERE d."productVersion" < excluded."productVersion"`);
  }

  /**
   * Records the product's stock in the projection (whether or not its
   * document exists yet) and sets the document's flag when it has one, in
   * one statement (one round trip per StockChanged that flips the flag: the
   * consumer leaves the others out).
   */
  async applyStock(
    tx: SqlSession,
    productId: string,
    inStock: boolean,
    version: number,
  ): Promise<void> {
    await tx.execute(Prisma.sql`
      WITH projected AS (
        INSERT INTO ${this.stock} AS s ("productId", "inStock", "version", "updatedAt")
        VALUES (${productId}::uuid, ${inStock}, ${version}::int, ${SQL_NOW})
        ON CONFLICT ("productId") DO UPDATE SET
          "inStock" = excluded."inStock",
          "version" = excluded."version",
          "updatedAt" = excluded."updatedAt"
        WHERE s."version" < excluded."version"
      )
      UPDATE ${this.documents}
      SET "inStock" = ${inStock}, "stockVersion" = ${version}::int, "updatedAt" = ${SQL_NOW}
      WHERE "productId" = ${productId}::uuid AND "stockVersion" < ${version}::int`);
  }
}
