import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { developmentKeyPair, IDENTITY_HEADER, signIdentity } from '@shop/identity';
import { graphqlRequest, identityHeaders, userIdentity } from '@shop/testing';
import { seedData } from '@shop/seed';
import type { RunningStack } from './support/test-stack';
import {
  AddAddressDocument,
  LoginDocument,
  MeDocument,
  OrderDocument,
  RefreshTokenDocument,
  RegisterDocument,
  WarehousesDocument,
} from '../../clients/generated/operations';
import { startTestStack } from './support/test-stack';

const CUSTOMER_PASSWORD = 'customer-dev-password';
const [ada, grace] = seedData.users;
const adasOrder = seedData.deliveredOrders.find((order) => order.userId === ada!.id)!;

describe('accounts and authorization through the router', () => {
  let stack: RunningStack;
  beforeAll(async () => {
    stack = await startTestStack();
  }, 60_000);
  afterAll(() => stack.stop());

  const url = () => stack.router.url;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const login = async (email: string, password: string) => {
    const result = await graphqlRequest(url(), LoginDocument, { email, password });
    expect(result.errors).toBeUndefined();
    return result.data!.login;
  };

  it('registers a customer, who then reads their own profile from four subgraphs', async () => {
    const registered = await graphqlRequest(url(), RegisterDocument, {
      input: {
        email: '  New.Shopper@Example.COM ',
        password: 'long-enough-password',
        name: 'New Shopper',
      },
    });
    expect(registered.errors).toBeUndefined();
    const payload = registered.data!.register;
    expect(payload.user).toMatchObject({
      email: 'new.shopper@example.com',
      name: 'New Shopper',
      role: 'CUSTOMER',
    });

    const address = await graphqlRequest(
      url(),
      AddAddressDocument,
      { input: { line1: '1 Test Street', city: 'Testville', postalCode: '12345', country: 'us' } },
      bearer(payload.accessToken),
    );
    expect(address.errors).toBeUndefined();
    expect(address.data!.addAddress).toMatchObject({ country: 'US', isDefault: true });

    const me = await graphqlRequest(url(), MeDocument, undefined, bearer(payload.accessToken));
    expect(me.errors).toBeUndefined();
    expect(me.data!.me).toMatchObject({
      id: payload.user.id,
      email: 'new.shopper@example.com',
      addresses: [expect.objectContaining({ line1: '1 Test Street' })],
      paymentMethods: [],
      orders: { totalCount: 0, edges: [], pageInfo: { hasNextPage: false } },
    });
  });

  it('refuses a taken email (CONFLICT) and a short password (BAD_USER_INPUT)', async () => {
    const taken = await graphqlRequest(url(), RegisterDocument, {
      input: { email: ada!.email.toUpperCase(), password: 'long-enough-password', name: 'Copy' },
    });
    expect(taken.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const short = await graphqlRequest(url(), RegisterDocument, {
      input: { email: 'short@example.com', password: 'short', name: 'Short' },
    });
    expect(short.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const wrong = await graphqlRequest(url(), LoginDocument, {
      email: ada!.email,
      password: 'not-the-password',
    });
    const unknown = await graphqlRequest(url(), LoginDocument, {
      email: 'nobody@example.com',
      password: 'whatever-1',
    });
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(unknown.errors?.[0]).toEqual(wrong.errors?.[0]);
  });

  it('shows a seeded customer their orders, cards and addresses', async () => {
    const { accessToken } = await login(ada!.email, CUSTOMER_PASSWORD);
    const me = (await graphqlRequest(url(), MeDocument, undefined, bearer(accessToken))).data!.me!;
    expect(me.orders!.totalCount).toBe(
      seedData.deliveredOrders.filter((order) => order.userId === ada!.id).length,
    );
    expect(me.paymentMethods).toEqual([expect.objectContaining({ brand: 'VISA', last4: '4242' })]);
    expect(me.addresses).toEqual([expect.objectContaining({ isDefault: true })]);
  });

  it('rotates refresh tokens and revokes the family when a rotated one comes back', async () => {
    const first = await login(grace!.email, CUSTOMER_PASSWORD);
    const rotated = await graphqlRequest(url(), RefreshTokenDocument, {
      refreshToken: first.refreshToken,
    });
    expect(rotated.errors).toBeUndefined();
    const second = rotated.data!.refreshToken;
    expect(second.refreshToken).not.toBe(first.refreshToken);

    const reused = await graphqlRequest(url(), RefreshTokenDocument, {
      refreshToken: first.refreshToken,
    });
    expect(reused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const afterReuse = await graphqlRequest(url(), RefreshTokenDocument, {
      refreshToken: second.refreshToken,
    });
    expect(afterReuse.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  describe('refuses tampered and foreign tokens with 401', () => {
    const { privateKeyPem } = developmentKeyPair();
    const claims = { role: 'ADMIN', scope: 'customer admin' };
    const sign = (key: Parameters<SignJWT['sign']>[0], alg: string, exp = '15m') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg })
        .setSubject(ada!.id)
        .setIssuer('shop-users')
        .setAudience('shop-supergraph')
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(key);

    it.each([
      [
        'a changed payload',
        async () => {
          const { accessToken } = await login(ada!.email, CUSTOMER_PASSWORD);
          const [header, payload, signature] = accessToken.split('.');
          const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString());
          const elevated = Buffer.from(JSON.stringify({ ...forged, ...claims })).toString(
            'base64url',
          );
          return `${header}.${elevated}.${signature}`;
        },
      ],
      [
        'alg: none',
        async () =>
          new UnsecuredJWT(claims)
            .setSubject(ada!.id)
            .setIssuer('shop-users')
            .setAudience('shop-supergraph')
            .setIssuedAt()
            .setExpirationTime('15m')
            .encode(),
      ],
      ['a wrong key', async () => sign(generateKeyPairSync('ed25519').privateKey, 'EdDSA')],
      ['an expired token', async () => sign(createPrivateKey(privateKeyPem), 'EdDSA', '-1m')],
    ])('%s', async (_name, makeToken) => {
      const result = await graphqlRequest(url(), MeDocument, undefined, bearer(await makeToken()));
      expect(result.status).toBe(401);
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(result.data).toBeUndefined();
    });
  });

  it('shows an order to its buyer and ADMINs, NOT_FOUND to another customer, UNAUTHENTICATED to nobody', async () => {
    const adaToken = (await login(ada!.email, CUSTOMER_PASSWORD)).accessToken;
    const graceToken = (await login(grace!.email, CUSTOMER_PASSWORD)).accessToken;
    const adminToken = (await login('admin@shop.local', 'admin-dev-password')).accessToken;

    const own = await graphqlRequest(url(), OrderDocument, { id: adasOrder.id }, bearer(adaToken));
    expect(own.errors).toBeUndefined();
    expect(own.data!.order).toMatchObject({
      id: adasOrder.id,
      buyer: { id: ada!.id, email: ada!.email },
    });
    expect(own.data!.order!.payment).toMatchObject({ status: 'SUCCEEDED' });

    const other = await graphqlRequest(
      url(),
      OrderDocument,
      { id: adasOrder.id },
      bearer(graceToken),
    );
    const missing = await graphqlRequest(
      url(),
      OrderDocument,
      { id: '00000000-0000-4000-8000-000000000000' },
      bearer(graceToken),
    );
    expect(other.data).toEqual({ order: null });
    expect(other.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(other.errors?.[0]?.message).toBe(missing.errors?.[0]?.message);

    const anonymous = await graphqlRequest(url(), OrderDocument, { id: adasOrder.id });
    expect(anonymous.data).toEqual({ order: null });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const admin = await graphqlRequest(
      url(),
      OrderDocument,
      { id: adasOrder.id },
      bearer(adminToken),
    );
    expect(admin.errors).toBeUndefined();
    expect(admin.data!.order!.buyer).toMatchObject({ id: ada!.id, email: ada!.email });
  });

  it('keeps Warehouses to ADMINs', async () => {
    const customer = (await login(ada!.email, CUSTOMER_PASSWORD)).accessToken;
    const admin = (await login('admin@shop.local', 'admin-dev-password')).accessToken;
    expect(
      (await graphqlRequest(url(), WarehousesDocument, undefined, bearer(admin))).data!.warehouses,
    ).toHaveLength(seedData.warehouses.length);
    const forbidden = await graphqlRequest(url(), WarehousesDocument, undefined, bearer(customer));
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await graphqlRequest(url(), WarehousesDocument);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers Me without a token with null and UNAUTHENTICATED', async () => {
    const result = await graphqlRequest(url(), MeDocument);
    expect(result.data).toEqual({ me: null });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  describe('around the router', () => {
    const subgraphUrl = (name: string) =>
      stack.subgraphs.find((subgraph) => subgraph.name === name)!.url;
    const forgedOrders = `query($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on User { id orders(first: 5) { totalCount } }
      ... on Order { id total { amount } } } }`;

    it('refuses _entities without a signed identity, and with a forged signature', async () => {
      const reps = [{ __typename: 'Order', id: adasOrder.id }];
      const unsigned = await graphqlRequest(subgraphUrl('orders'), forgedOrders, { reps });
      expect(unsigned.status).toBe(401);
      expect(unsigned.data).toBeUndefined();
      const forged = await graphqlRequest(
        subgraphUrl('orders'),
        forgedOrders,
        { reps },
        {
          [IDENTITY_HEADER]: signIdentity(
            userIdentity(ada!.id),
            'not-the-shared-secret-but-long-enough',
          ),
        },
      );
      expect(forged.status).toBe(401);
    });

    it('gives a signed identity of another customer nothing of Ada’s', async () => {
      const asGrace = identityHeaders(userIdentity(grace!.id));
      const orders = await graphqlRequest(
        subgraphUrl('orders'),
        forgedOrders,
        {
          reps: [
            { __typename: 'Order', id: adasOrder.id },
            { __typename: 'User', id: ada!.id },
          ],
        },
        asGrace,
      );
      expect((orders.data as { _entities: unknown[] })._entities[0]).toBeNull();
      expect((orders.data as { _entities: { orders: unknown }[] })._entities[1]!.orders).toBeNull();
      const cards = await graphqlRequest(
        subgraphUrl('payments'),
        'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { paymentMethods { last4 } } } }',
        { reps: [{ __typename: 'User', id: ada!.id }] },
        asGrace,
      );
      expect(
        (cards.data as { _entities: { paymentMethods: unknown }[] })._entities[0]!.paymentMethods,
      ).toBeNull();
      const profile = await graphqlRequest(
        subgraphUrl('users'),
        'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { name email addresses { line1 } } } }',
        { reps: [{ __typename: 'User', id: ada!.id }] },
        asGrace,
      );
      expect((profile.data as { _entities: unknown[] })._entities[0]).toEqual({
        name: ada!.name,
        email: null,
        addresses: null,
      });
    });
  });
});
