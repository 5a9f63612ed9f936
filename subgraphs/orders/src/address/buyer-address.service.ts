import type { SqlSession } from '@shop/database';
import type { EventEnvelope, EventDataOf } from '@shop/events';
import { isUuid } from '@shop/federation';
import { Prisma, tableOf, type Database } from '../db';

type AddressAdded = EventEnvelope<'AddressAdded', EventDataOf<'users.events', 'AddressAdded'>>;

/**
 * The orders domain's copy of its buyers' saved addresses, fed by
 * AddressAdded. Checkout copies the shipping address from it, in the
 * statement that reads the cart, where it called users for it on every
 * checkout. An address never changes once saved, so the copy is never
 * stale; one whose event has not arrived yet (or saved before the copy
 * existed) is still read from users (BuyerAddresses).
 */
export class BuyerAddressService {
  constructor(private readonly db: Database) {}

  /** Keeps the address, in the consumer's transaction; a redelivered event changes nothing. */
  async apply(tx: SqlSession, { data }: AddressAdded): Promise<void> {
    // A malformed event cannot be stored; failing would only retry it forever.
    if (!isUuid(data.addressId) || !isUuid(data.userId) || !/^[A-Z]{2}$/.test(data.country)) {
      return;
    }
    await tx.execute(Prisma.sql`
      INSERT INTO ${tableOf(this.db, 'BuyerAddress')}
        ("id", "userId", "line1", "line2", "city", "postalCode", "country")
      VALUES (${data.addressId}::uuid, ${data.userId}::uuid, ${data.line1}, ${data.line2},
              ${data.city}, ${data.postalCode}, ${data.country})
      ON CONFLICT ("id") DO NOTHING`);
  }
}
