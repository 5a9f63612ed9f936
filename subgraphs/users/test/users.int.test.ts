import { randomUUID } from 'node:crypto';
import type { Identity } from '@shop/identity';
import { ADMIN_IDENTITY, queryTestDatabase, userIdentity } from '@shop/testing';
import { seedAdminId, seedData } from '@shop/seed';
import { AddressService } from '../src/address/address.service';
import { verifyPassword } from '../src/password/password.service';
import { seedUsers } from '../src/seed';
import { UserService } from '../src/user/user.service';
import { ANONYMOUS, errorCodes, startTestUsersSubgraph } from './users-subgraph';

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
  email: string | null;
  name: string;
  role: string | null;
  createdAt: string;
  addresses: AddressResult[] | null;
}

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const USER_FIELDS =
  'id email name role createdAt addresses { id line1 line2 city postalCode country isDefault }';
const USER_ENTITIES = `query($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on User { ${USER_FIELDS} } }
}`;
const ME = `{ me { ${USER_FIELDS} } }`;

describe('users subgraph (real PostgreSQL)', () => {
  // Spaces and capitals in the configured email prove the seed normalises it.
  const seedAdmin = { email: '  Owner@Shop.Local ', password: 'owner-test-password' };
  const adminEmail = 'owner@shop.local';
  const adminId = seedAdminId(adminEmail);
  let users: Awaited<ReturnType<typeof startTestUsersSubgraph>>;
  let databaseUrl: string;

  beforeAll(async () => {
    users = await startTestUsersSubgraph(seedAdmin);
    databaseUrl = users.databaseUrl;
  });
  afterAll(() => users.subgraph.stop());
  afterEach(() => jest.restoreAllMocks());

  const references = (ids: string[], identity: Identity = ADMIN_IDENTITY) =>
    users.call<{ _entities: (UserResult | null)[] }>(identity, USER_ENTITIES, {
      reps: ids.map((id) => ({ __typename: 'User', id })),
    });
  const entities = async (ids: string[]): Promise<(UserResult | null)[]> => {
    const result = await references(ids);
    expect(result.errors).toBeUndefined();
    return result.data!._entities;
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

    const found = await entities(ids);

    expect(found.map((user) => user?.id)).toEqual(ids);
    expect(found.slice(1).every((user) => user?.addresses?.length === 1)).toBe(true);
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
      seedUsers(users.subgraph.db, { email: 'other@shop.local', password: 'other-password' }),
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
    expect(user!.addresses!.map((address) => address.id)).toEqual([seeded.id, newer, older]);
    expect(user!.addresses!.map((address) => address.isDefault)).toEqual([true, false, false]);
  });

  describe('me', () => {
    it("is the signed-in customer's own profile, private fields included", async () => {
      const customer = seedData.users[0]!;
      const response = await users.call<{ me: UserResult }>(userIdentity(customer.id), ME);
      expect(response.errors).toBeUndefined();
      expect(response.data!.me).toMatchObject({
        id: customer.id,
        email: customer.email,
        name: customer.name,
        role: 'CUSTOMER',
        addresses: [expect.objectContaining({ isDefault: true })],
      });
    });

    it('requires a signed-in user', async () => {
      const response = await users.call(ANONYMOUS, ME);
      expect(response.data).toEqual({ me: null });
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    });

    it('is null when the signed-in account no longer exists', async () => {
      const response = await users.call(userIdentity(randomUUID()), ME);
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ me: null });
    });
  });

  describe('privacy of email, role and addresses', () => {
    const [alice, bob] = seedData.users;

    it("hides another user's private fields with NOT_FOUND, and shows the name", async () => {
      const response = await references([bob!.id], userIdentity(alice!.id));

      expect(response.data!._entities).toEqual([
        {
          id: bob!.id,
          email: null,
          name: bob!.name,
          role: null,
          createdAt: expect.any(String),
          addresses: null,
        },
      ]);
      expect(
        response.errors!.map((error) => [error.path!.join('.'), error.extensions?.code]).sort(),
      ).toEqual([
        ['_entities.0.addresses', 'NOT_FOUND'],
        ['_entities.0.email', 'NOT_FOUND'],
        ['_entities.0.role', 'NOT_FOUND'],
      ]);
      expect(response.errors!.every((error) => error.message === 'User not found')).toBe(true);
    });

    it('cannot be talked out of it by fields added to the representation', async () => {
      const response = await users.call<{ _entities: UserResult[] }>(
        userIdentity(alice!.id),
        USER_ENTITIES,
        { reps: [{ __typename: 'User', id: bob!.id, viewedBySelf: true, email: 'x@y.z' }] },
      );
      expect(response.data!._entities[0]).toMatchObject({ email: null, role: null });
      expect(errorCodes(response)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
    });

    it('hides them from an anonymous caller too', async () => {
      const response = await references([bob!.id], ANONYMOUS);
      expect(response.data!._entities[0]).toMatchObject({ name: bob!.name, email: null });
      expect(new Set(errorCodes(response))).toEqual(new Set(['NOT_FOUND']));
    });

    it('shows them to the user themself, to ADMINs and to internal services', async () => {
      const identities: Identity[] = [
        userIdentity(bob!.id),
        ADMIN_IDENTITY,
        { kind: 'service', service: 'orders', scopes: [] },
      ];
      for (const identity of identities) {
        const response = await references([bob!.id], identity);
        expect(response.errors).toBeUndefined();
        expect(response.data!._entities[0]).toMatchObject({
          email: bob!.email,
          role: 'CUSTOMER',
          addresses: [expect.objectContaining({ isDefault: true })],
        });
      }
    });
  });
});
