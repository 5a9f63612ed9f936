import { Outbox } from '@shop/events';
import { seedAdminId, seedData, SEED_TRANSACTION } from '@shop/seed';
import type { SeedAdmin } from './config';
import { Role, USERS_STREAM, type Database } from './db';
import { hashPassword } from './password/password.service';
import { normalizeEmail } from './user/email';
import { recordAddressAdded } from './address/address-added';
import { recordRegistered } from './user/user-registered';

/**
 * Creates the configured ADMIN, the demo customers and their default
 * addresses once, each user announced by UserRegistered like a sign-up and
 * each address by AddressAdded (the relay, started after the seed, publishes
 * them). Skipped when any user exists.
 */
export async function seedUsers(db: Database, admin: SeedAdmin): Promise<boolean> {
  const { prisma } = db;
  if ((await prisma.user.count()) > 0) return false;

  const adminEmail = normalizeEmail(admin.email);
  const accounts = [
    {
      id: seedAdminId(adminEmail),
      email: adminEmail,
      name: 'Store Admin',
      role: Role.ADMIN,
      password: admin.password,
    },
    // A customer configured as the admin shares the admin's id, so it becomes the admin.
    ...seedData.users
      .map((user) => ({ ...user, email: normalizeEmail(user.email), role: Role.CUSTOMER }))
      .filter((user) => user.email !== adminEmail),
  ];
  // scrypt runs on libuv's thread pool, so the hashes are computed in parallel.
  const users = await Promise.all(
    accounts.map(async ({ password, ...account }) => ({
      ...account,
      passwordHash: await hashPassword(password),
    })),
  );
  await prisma.$transaction(async (tx) => {
    await tx.user.createMany({ data: users });
    await tx.address.createMany({ data: [...seedData.addresses] });
    const outbox = new Outbox(USERS_STREAM, db.schema);
    for (const user of users) await recordRegistered(outbox, tx, user);
    for (const address of seedData.addresses) await recordAddressAdded(outbox, tx, address);
  }, SEED_TRANSACTION);
  return true;
}
