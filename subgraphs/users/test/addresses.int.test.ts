import { randomUUID } from 'node:crypto';
import { queryTestDatabase, userIdentity } from '@shop/testing';
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

const ADDRESS = 'id line1 line2 city postalCode country isDefault';
const ADD_ADDRESS = `mutation($input: AddressInput!) { addAddress(input: $input) { ${ADDRESS} } }`;
const MY_ADDRESSES = `{ me { addresses { ${ADDRESS} } } }`;
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { user { id } } }`;

const home = { line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };

describe('addAddress (real PostgreSQL)', () => {
  let users: Awaited<ReturnType<typeof startTestUsersSubgraph>>;

  beforeAll(async () => {
    users = await startTestUsersSubgraph();
  });
  afterAll(() => users.subgraph.stop());

  let registered = 0;
  /** A customer with no addresses yet. */
  const newCustomer = async () => {
    registered += 1;
    const response = await users.call<{ register: { user: { id: string } } }>(ANONYMOUS, REGISTER, {
      input: {
        email: `addresses-${registered}@example.com`,
        password: 'a-good-password',
        name: `Addresses ${registered}`,
      },
    });
    expect(response.errors).toBeUndefined();
    return userIdentity(response.data!.register.user.id);
  };
  const addAddress = (identity: ReturnType<typeof userIdentity>, input: Record<string, unknown>) =>
    users.call<{ addAddress: AddressResult }>(identity, ADD_ADDRESS, { input });
  const myAddresses = async (identity: ReturnType<typeof userIdentity>) => {
    const response = await users.call<{ me: { addresses: AddressResult[] } }>(
      identity,
      MY_ADDRESSES,
    );
    expect(response.errors).toBeUndefined();
    return response.data!.me.addresses;
  };

  it("makes a customer's first address the default, even when asked not to", async () => {
    const customer = await newCustomer();

    const response = await addAddress(customer, {
      line1: '  1 Main Street ',
      line2: '   ',
      city: ' Springfield ',
      postalCode: ' 12345 ',
      country: ' us ',
      isDefault: false,
    });

    expect(response.errors).toBeUndefined();
    const address = response.data!.addAddress;
    expect(address).toEqual({
      id: expect.any(String),
      line1: '1 Main Street',
      line2: null,
      city: 'Springfield',
      postalCode: '12345',
      country: 'US',
      isDefault: true,
    });
    expect(await myAddresses(customer)).toEqual([address]);
  });

  it('announces each saved address by AddressAdded, as saved, and a refused one not at all', async () => {
    const customer = await newCustomer();
    const userId = customer.kind === 'user' ? customer.userId : '';
    const saved = await addAddress(customer, { ...home, line1: ' 2 Side Street ', country: 'de' });
    expect(saved.errors).toBeUndefined();
    const refused = await addAddress(customer, { ...home, country: 'Germany' });
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);

    const events = await queryTestDatabase<{ type: string; aggregateId: string; data: unknown }>(
      users.databaseUrl,
      `SELECT "type", "aggregateId", "data" FROM "OutboxEvent"
        WHERE "type" = 'AddressAdded' AND "data"->>'userId' = $1`,
      [userId],
    );
    expect(events).toEqual([
      {
        type: 'AddressAdded',
        aggregateId: saved.data!.addAddress.id,
        data: {
          addressId: saved.data!.addAddress.id,
          userId,
          line1: '2 Side Street',
          line2: null,
          city: 'Springfield',
          postalCode: '12345',
          country: 'DE',
        },
      },
    ]);
  });

  it('moves the default to a new address given isDefault: true, and only then', async () => {
    const customer = await newCustomer();
    const first = (await addAddress(customer, home)).data!.addAddress;

    const second = await addAddress(customer, {
      ...home,
      line1: '2 Second Avenue',
      line2: 'Flat 3',
      isDefault: true,
    });
    expect(second.errors).toBeUndefined();
    expect(second.data!.addAddress).toMatchObject({ line2: 'Flat 3', isDefault: true });

    const third = await addAddress(customer, { ...home, line1: '3 Third Road' });
    expect(third.data!.addAddress.isDefault).toBe(false);

    const addresses = await myAddresses(customer);
    expect(addresses.map((address) => [address.id, address.isDefault])).toEqual([
      [second.data!.addAddress.id, true],
      [third.data!.addAddress.id, false],
      [first.id, false],
    ]);
  });

  it('gives simultaneous first addresses exactly one default', async () => {
    const customer = await newCustomer();
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        addAddress(customer, { ...home, line1: `${index + 1} Main Street` }),
      ),
    );
    expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);
    const addresses = await myAddresses(customer);
    expect(addresses).toHaveLength(6);
    expect(addresses.filter((address) => address.isDefault)).toHaveLength(1);
  });

  it('refuses a country that is not two letters, and other bad fields, writing nothing', async () => {
    const customer = await newCustomer();
    const before = await users.count('Address');
    for (const [field, input] of [
      ['country', { ...home, country: 'USA' }],
      ['country', { ...home, country: 'U1' }],
      ['country', { ...home, country: '' }],
      ['country', { ...home, country: 'ÜS' }],
      ['line1', { ...home, line1: '  ' }],
      ['line2', { ...home, line2: 'x'.repeat(201) }],
      ['city', { ...home, city: '' }],
      ['postalCode', { ...home, postalCode: '1'.repeat(21) }],
    ] as const) {
      const response = await addAddress(customer, input);
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors![0]!.extensions).toMatchObject({ field });
    }
    expect(await users.count('Address')).toBe(before);
  });

  it('requires a signed-in user', async () => {
    const response = await users.call(ANONYMOUS, ADD_ADDRESS, { input: home });
    expect(response.data).toBeNull();
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    const service = await users.call(
      { kind: 'service', service: 'orders', scopes: [] },
      ADD_ADDRESS,
      { input: home },
    );
    expect(errorCodes(service)).toEqual(['UNAUTHENTICATED']);
  });

  it('answers NOT_FOUND for a signed-in user whose account is gone', async () => {
    const before = await users.count('Address');
    const response = await addAddress(userIdentity(randomUUID()), home);
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    expect(await users.count('Address')).toBe(before);
  });
});
