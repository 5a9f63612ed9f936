import type { Database } from '../db';
import type { Address } from './address.type';

const addressColumns = {
  id: true,
  userId: true,
  line1: true,
  line2: true,
  city: true,
  postalCode: true,
  country: true,
  isDefault: true,
} as const;

export class AddressService {
  constructor(private readonly db: Database) {}

  /** The addresses of these users, each user's default first, then newest first. */
  byUserIds(userIds: readonly string[]): Promise<Address[]> {
    return this.db.prisma.address.findMany({
      select: addressColumns,
      where: { userId: { in: [...userIds] } },
      orderBy: [{ isDefault: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }],
    });
  }
}
