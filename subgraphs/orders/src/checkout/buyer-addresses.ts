import { isUuid } from '@shop/federation';
import { NotFoundError } from '@shop/platform';
import type { SiblingClient } from './sibling-client';

/** An address as the order copies it. */
export interface ShippingAddress {
  id: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  country: string;
}

const USER_ADDRESSES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on User { addresses { id line1 line2 city postalCode country } }
  }
}`;

/**
 * A buyer's address read from the users subgraph as a service (its privacy
 * rule shows addresses to services), for one orders' copy of the addresses
 * (BuyerAddressService) lacks: its AddressAdded not consumed yet, or saved
 * before the copy existed.
 */
export class BuyerAddresses {
  constructor(private readonly client: SiblingClient) {}

  /** One of the user's addresses, or NOT_FOUND. */
  async addressOf(userId: string, addressId: string, requestId?: string): Promise<ShippingAddress> {
    const notFound = new NotFoundError('Address not found');
    if (!isUuid(addressId)) throw notFound;
    const { _entities } = await this.client.query<{
      _entities: ({ addresses?: ShippingAddress[] | null } | null)[];
    }>(
      'users',
      USER_ADDRESSES,
      { representations: [{ __typename: 'User', id: userId }] },
      { requestId },
    );
    const address = _entities[0]?.addresses?.find((candidate) => candidate.id === addressId);
    if (!address) throw notFound;
    return address;
  }
}
