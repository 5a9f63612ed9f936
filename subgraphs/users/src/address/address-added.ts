import type { OutboxTransaction } from '@shop/events';
import type { UsersOutbox } from '../db';

/**
 * AddressAdded of a saved address, in the transaction that saves it: orders
 * keeps a copy of each, so checkout reads the shipping address without
 * calling this subgraph.
 */
export async function recordAddressAdded(
  outbox: UsersOutbox,
  tx: OutboxTransaction,
  address: {
    id: string;
    userId: string;
    line1: string;
    line2: string | null;
    city: string;
    postalCode: string;
    country: string;
  },
): Promise<void> {
  const { id, userId, line1, line2, city, postalCode, country } = address;
  await outbox.record(tx, 'AddressAdded', id, {
    addressId: id,
    userId,
    line1,
    line2,
    city,
    postalCode,
    country,
  });
}
