import { isUuid } from '@shop/federation';
import { BadUserInputError, NotFoundError, trimmedText } from '@shop/platform';
import { tableOf, type Database, type UsersOutbox } from '../db';
import { recordAddressAdded } from './address-added';
import type { AddressInput } from './address.input';
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
  constructor(
    private readonly db: Database,
    private readonly outbox: UsersOutbox,
  ) {}

  /** The addresses of these users, each user's default first, then newest first. */
  byUserIds(userIds: readonly string[]): Promise<Address[]> {
    return this.db.prisma.address.findMany({
      select: addressColumns,
      where: { userId: { in: [...userIds] } },
      orderBy: [{ isDefault: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }],
    });
  }

  /**
   * Saves an address for the user, announced by AddressAdded. Their first
   * becomes the default; isDefault moves the default to it. The user's row is
   * locked first, so two concurrent first addresses cannot both become the
   * default.
   */
  async add(userId: string, input: AddressInput): Promise<Address> {
    const data = validAddress(input);
    if (!isUuid(userId)) throw new NotFoundError('User not found');
    const users = tableOf(this.db, 'User');
    const address = await this.db.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM ${users} WHERE id = ${userId}::uuid FOR UPDATE`;
      // A valid access token can outlive its account.
      if (locked.length === 0) throw new NotFoundError('User not found');
      const current = await tx.address.findFirst({
        where: { userId, isDefault: true },
        select: { id: true },
      });
      const isDefault = current === null || input.isDefault === true;
      if (current && isDefault) {
        await tx.address.update({ where: { id: current.id }, data: { isDefault: false } });
      }
      const created = await tx.address.create({
        data: { ...data, userId, isDefault },
        select: addressColumns,
      });
      await recordAddressAdded(this.outbox, tx, created);
      return created;
    });
    this.outbox.committed();
    return address;
  }
}

function validAddress(input: AddressInput) {
  const line1 = trimmedText(input.line1, 'line1', 1, 200);
  const line2 = trimmedText(input.line2 ?? '', 'line2', 0, 200);
  const city = trimmedText(input.city, 'city', 1, 100);
  const postalCode = trimmedText(input.postalCode, 'postalCode', 1, 20);
  const country = input.country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) {
    throw new BadUserInputError('country must be an ISO 3166-1 alpha-2 code such as "US"', {
      field: 'country',
    });
  }
  return { line1, line2: line2 === '' ? null : line2, city, postalCode, country };
}
