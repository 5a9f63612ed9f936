import { groupedLoader } from '@shop/federation';
import type { AddressService } from './address.service';
import type { Address } from './address.type';

export function createAddressLoaders(service: AddressService) {
  return {
    addressesByUserId: groupedLoader<string, Address>(
      (userIds) => service.byUserIds(userIds),
      (address) => address.userId,
    ),
  };
}
