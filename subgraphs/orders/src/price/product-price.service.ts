import type { SqlSession } from '@shop/database';
import type { EventEnvelope, ProductSnapshot } from '@shop/events';
import { isUuid } from '@shop/federation';
import { Prisma, SQL_NOW, tableOf, type Database } from '../db';

type ProductEvent = EventEnvelope<
  'ProductCreated' | 'ProductPriceChanged' | 'ProductUpdated' | 'ProductArchived',
  ProductSnapshot
>;

/**
 * The orders domain's copy of product names, prices and whether they are
 * still sold, fed by every products.events snapshot (created, repriced,
 * edited, archived).
 *
 * Why a projection rather than a call to the products subgraph: the cart's
 * subtotal and checkout read prices locally, so neither depends at run time on
 * products being up or fast, and checkout snapshots these prices into the
 * order items, so a later price change never rewrites an order. The cost is
 * that a change reaches carts after the event is relayed (milliseconds
 * in one process, the Redis Streams delay between processes).
 */
export class ProductPriceService {
  constructor(private readonly db: Database) {}

  /**
   * Upserts the product's row in the consumer's transaction, unless the row
   * already reflects this version or a newer one: events of one product may
   * arrive out of order (redelivery, several relays), and an old snapshot must
   * not overwrite a newer one.
   */
  async apply(tx: SqlSession, event: ProductEvent): Promise<void> {
    const { productId, name, price } = event.data;
    // A malformed event cannot be stored; failing would only retry it forever.
    if (!isUuid(productId) || !/^[A-Z]{3}$/.test(price.currency)) return;
    // Snapshots written before archiving existed carry no flag: only ProductArchived archived then.
    const archived = event.data.archived ?? event.type === 'ProductArchived';
    const table = tableOf(this.db, 'ProductPrice');
    await tx.execute(Prisma.sql`
      INSERT INTO ${table} AS p ("productId", "name", "amount", "currency", "archived", "version", "updatedAt")
      VALUES (${productId}::uuid, ${name}, ${price.amount}, ${price.currency}, ${archived}, ${event.version}, ${SQL_NOW})
      ON CONFLICT ("productId") DO UPDATE SET
        "name" = EXCLUDED."name",
        "amount" = EXCLUDED."amount",
        "currency" = EXCLUDED."currency",
        "archived" = EXCLUDED."archived",
        "version" = EXCLUDED."version",
        "updatedAt" = EXCLUDED."updatedAt"
      WHERE p."version" < EXCLUDED."version"`);
  }
}
