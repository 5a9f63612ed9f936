import { randomUUID } from 'node:crypto';
import {
  graphqlRequest,
  prepareTestDatabase,
  queryTestDatabase,
  testSubgraphSettings,
  ADMIN_IDENTITY,
  identityHeaders,
} from '@shop/testing';
import { seedAdminId, seedData } from '@shop/seed';
import { startUsersSubgraph, type UsersConfig } from '@shop/users';
import { AddressService } from '../src/address/address.service';
import { verifyPassword } from '../src/password/password.service';
import { seedUsers } from '../src/seed';
import { UserService } from '../src/user/user.service';

type Running = Awaited<ReturnType<typeof startUsersSubgraph>>;

interface AddressResult {
  id: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  country: string;
  isDefault: boolean;
}
interface UserResult {
  id: string;
  email: string;
  name: string;
  role: string;
  createdAt: string;
  addresses: AddressResult[];
}

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const USER_ENTITIES = `query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on User { id email name role createdAt addresses { id line1 line2 city postalCode country isDefault } }
  }
}`;

describe('users subgraph (real PostgreSQL)', () => {
  // Spaces and capitals in the configured email prove the seed normalises it.
  const seedAdmin = { email: '  Owner@Shop.Local ', password: 'owner-test-password' };
  const adminEmail = 'owner@shop.local';
  const adminId = seedAdminId(adminEmail);
  let subgraph: Running;
  let databaseUrl: string;
  let config: UsersConfig;

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('users');
    config = {
      ...testSubgraphSettings(databaseUrl),
      seedAdmin,
    };
    subgraph = await startUsersSubgraph(config, { seed: true });
  });
  afterAll(() => subgraph.stop());
  afterEach(() => jest.restoreAllMocks());

  const query = (text: string, variables?: Record<string, unknown>) =>
    graphqlRequest(subgraph.url, text, variables, identityHeaders(ADMIN_IDENTITY));
  const entities = async (ids: string[]): Promise<(UserResult | null)[]> => {
    const result = await query(USER_ENTITIES, {
      reps: ids.map((id) => ({ __typename: 'User', id })),
    });
    expect(result.errors).toBeUndefined();
    return (result.data as { _entities: (UserResult | null)[] })._entities;
  };

  it('resolves user references with their addresses, null for unknown or malformed ids', async () => {
    const customer = seedData.users[0]!;
    const address = seedData.addresses.find((row) => row.userId === customer.id)!;
    const [admin, found, unknown, malformed] = await entities([
      adminId,
      customer.id,
      UNKNOWN_ID,
      'not-a-uuid',
    ]);

    expect(admin).toMatchObject({
      id: adminId,
      email: adminEmail,
      name: 'Store Admin',
      role: 'ADMIN',
      addresses: [],
    });
    expect(found).toEqual({
      id: customer.id,
      email: customer.email,
      name: customer.name,
      role: 'CUSTOMER',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      addresses: [
        {
          id: address.id,
          line1: address.line1,
          line2: null,
          city: address.city,
          postalCode: address.postalCode,
          country: address.country,
          isDefault: true,
        },
      ],
    });
    expect(unknown).toBeNull();
    expect(malformed).toBeNull();
  });

  it('loads many users and their addresses in one query each', async () => {
    const byIds = jest.spyOn(UserService.prototype, 'byIds');
    const byUserIds = jest.spyOn(AddressService.prototype, 'byUserIds');
    const ids = [adminId, ...seedData.users.map((user) => user.id)];

    const users = await entities(ids);

    expect(users.map((user) => user?.id)).toEqual(ids);
    expect(users.slice(1).every((user) => user?.addresses.length === 1)).toBe(true);
    expect(byIds).toHaveBeenCalledTimes(1);
    expect(byUserIds).toHaveBeenCalledTimes(1);
    expect(byUserIds.mock.calls[0]![0]).toHaveLength(ids.length);
  });

  it('seeds the configured admin with a password hash that verifies', async () => {
    const [admin] = await queryTestDatabase<{
      id: string;
      email: string;
      role: string;
      passwordHash: string;
    }>(databaseUrl, `SELECT id, email, role, "passwordHash" FROM "User" WHERE role = 'ADMIN'`);
    expect(admin).toMatchObject({ id: adminId, email: adminEmail, role: 'ADMIN' });
    expect(admin!.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    await expect(verifyPassword(seedAdmin.password, admin!.passwordHash)).resolves.toBe(true);
    await expect(verifyPassword('admin-dev-password', admin!.passwordHash)).resolves.toBe(false);
  });

  it('seeds the customers with their own hashed passwords', async () => {
    const rows = await queryTestDatabase<{ id: string; role: string; passwordHash: string }>(
      databaseUrl,
      `SELECT id, role, "passwordHash" FROM "User" WHERE role = 'CUSTOMER' ORDER BY email`,
    );
    expect(rows.map((row) => row.id).sort()).toEqual(seedData.users.map((user) => user.id).sort());
    expect(new Set(rows.map((row) => row.passwordHash)).size).toBe(rows.length);
    const customer = seedData.users[0]!;
    const stored = rows.find((row) => row.id === customer.id)!.passwordHash;
    await expect(verifyPassword(customer.password, stored)).resolves.toBe(true);
  });

  it('seeds once: a second run leaves the users alone', async () => {
    await expect(
      seedUsers(subgraph.db, { email: 'other@shop.local', password: 'other-password' }),
    ).resolves.toBe(false);
    const [count] = await queryTestDatabase<{ count: string }>(
      databaseUrl,
      'SELECT count(*) FROM "User"',
    );
    expect(Number(count!.count)).toBe(seedData.users.length + 1);
  });

  it('gives every seeded customer exactly one default address', async () => {
    const rows = await queryTestDatabase<{ userId: string; defaults: string }>(
      databaseUrl,
      `SELECT "userId", count(*) FILTER (WHERE "isDefault") AS defaults FROM "Address" GROUP BY "userId"`,
    );
    expect(rows.map((row) => row.userId).sort()).toEqual(
      seedData.users.map((user) => user.id).sort(),
    );
    expect(rows.every((row) => Number(row.defaults) === 1)).toBe(true);
  });

  it('refuses a second default address for the same user', async () => {
    const customer = seedData.users[1]!;
    const insert = queryTestDatabase(
      databaseUrl,
      `INSERT INTO "Address" (id, "userId", line1, city, "postalCode", country, "isDefault")
       VALUES ($1, $2, '2 Other Street', 'Elsewhere', '99999', 'US', true)`,
      [randomUUID(), customer.id],
    );
    await expect(insert).rejects.toMatchObject({
      code: '23505',
      constraint: 'Address_one_default_per_user',
    });
  });

  it('lists the default address first, then the others newest first', async () => {
    const customer = seedData.users[2]!;
    const older = randomUUID();
    const newer = randomUUID();
    // Newer than the seeded default, so only isDefault can put the default first.
    await queryTestDatabase(
      databaseUrl,
      `INSERT INTO "Address" (id, "userId", line1, city, "postalCode", country, "isDefault", "createdAt")
       VALUES ($1, $3, '1 Old Road', 'Oldtown', '11111', 'GB', false, now() + interval '1 day'),
              ($2, $3, '2 New Road', 'Newtown', '22222', 'GB', false, now() + interval '2 days')`,
      [older, newer, customer.id],
    );
    const [user] = await entities([customer.id]);
    const seeded = seedData.addresses.find((row) => row.userId === customer.id)!;
    expect(user!.addresses.map((address) => address.id)).toEqual([seeded.id, newer, older]);
    expect(user!.addresses.map((address) => address.isDefault)).toEqual([true, false, false]);
  });
});
