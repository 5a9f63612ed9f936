import { seedAdminId, seedData } from '@shop/seed';
import type { SeedAdmin } from './config';
import { Role, type Database } from './db';
import { hashPassword } from './password/password.service';
import { normalizeEmail } from './user/email';

/**
 * Creates the configured ADMIN, the demo customers and their default
 * addresses once. Skipped when any user exists.
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
  });
  return true;
}
