import type { ProductSnapshot } from '@shop/events';
import { SQL_NOW, type Prisma, type Database, tableOf } from '../db';
import type { CatalogSource } from './catalog-source';

export interface RebuildResult {
  /** Products read from the catalogue and written to the index. */
  indexed: number;
  /** Documents of products the catalogue no longer has. */
  removed: number;
}

/**
 * Re-indexes the whole catalogue from its owners' APIs: repairs a lost or
 * drifted index. The catalogue lists only products on sale, so an archived
 * product's document is removed like that of a product that is gone. The consumers keep running meanwhile, so a document an event
 * changed after the rebuild started is left alone: the API answered from an
 * earlier or equal state, and any change the API saw that the document lacks
 * still arrives as an event. The APIs carry no versions, so the documents keep
 * the versions they have and later events compare against those.
 */
export class IndexRebuildService {
  private readonly documents: Prisma.Sql;
  private readonly stock: Prisma.Sql;

  constructor(
    private readonly db: Database,
    private readonly source: CatalogSource,
  ) {
    this.documents = tableOf(db, 'SearchDocument');
    this.stock = tableOf(db, 'StockProjection');
  }

  async rebuild(): Promise<RebuildResult> {
    const startedAt = await this.now();
    const seen: string[] = [];
    for await (const products of this.source.products()) {
      if (products.length === 0) continue;
      const ids = products.map((product) => product.productId);
      await this.upsert(products, await this.source.stockOf(ids), startedAt);
      seen.push(...ids);
    }
    return { indexed: seen.length, removed: await this.removeAllBut(seen, startedAt) };
  }

  /** The database's clock, at the precision updatedAt is stored with, as text to pass back. */
  private async now(): Promise<string> {
    const [row] = await this.db.prisma.$queryRaw<{ now: string }[]>`
      SELECT ${SQL_NOW}::timestamp(3)::text AS now`;
    if (!row) throw new Error('The database did not tell its time');
    return row.now;
  }

  /**
   * One statement per page. Stock comes from the API, unless a StockChanged
   * reached the projection after the rebuild started (it may be newer than
   * what the API said).
   */
  private async upsert(
    products: readonly ProductSnapshot[],
    stock: Map<string, boolean>,
    startedAt: string,
  ): Promise<void> {
    const column = <T>(value: (product: ProductSnapshot) => T) => products.map(value);
    await this.db.prisma.$executeRaw`
      INSERT INTO ${this.documents} AS d
        ("productId", "name", "description", "categoryId", "categoryName", "priceAmount",
         "priceCurrency", "inStock", "archived", "productVersion", "stockVersion", "updatedAt")
      SELECT p."productId", p."name", p."description", p."categoryId", p."categoryName",
             p."priceAmount", p."priceCurrency",
             CASE WHEN s."updatedAt" >= ${startedAt}::timestamp THEN s."inStock"
                  ELSE p."inStock" END,
             false, 0, coalesce(s."version", 0), ${SQL_NOW}
      FROM unnest(
        ${column((product) => product.productId)}::uuid[],
        ${column((product) => product.name)}::text[],
        ${column((product) => product.description)}::text[],
        ${column((product) => product.categoryId)}::uuid[],
        ${column((product) => product.categoryName)}::text[],
        ${column((product) => product.price.amount)}::int[],
        ${column((product) => product.price.currency)}::text[],
        ${column((product) => stock.get(product.productId) ?? false)}::boolean[]
      ) AS p("productId", "name", "description", "categoryId", "categoryName", "priceAmount",
             "priceCurrency", "inStock")
      LEFT JOIN ${this.stock} s ON s."productId" = p."productId"
      ON CONFLICT ("productId") DO UPDATE SET
        "name" = excluded."name",
        "description" = excluded."description",
        "categoryId" = excluded."categoryId",
        "categoryName" = excluded."categoryName",
        "priceAmount" = excluded."priceAmount",
        "priceCurrency" = excluded."priceCurrency",
        "inStock" = excluded."inStock",
        "archived" = excluded."archived",
        "stockVersion" = greatest(d."stockVersion", excluded."stockVersion"),
        "updatedAt" = excluded."updatedAt"
      WHERE d."updatedAt" < ${startedAt}::timestamp`;
  }

  /** Documents of products the catalogue did not list, unless an event wrote them meanwhile. */
  private removeAllBut(productIds: string[], startedAt: string): Promise<number> {
    return this.db.prisma.$executeRaw`
      DELETE FROM ${this.documents}
      WHERE NOT ("productId" = ANY(${productIds}::uuid[]))
        AND "updatedAt" < ${startedAt}::timestamp`;
  }
}
