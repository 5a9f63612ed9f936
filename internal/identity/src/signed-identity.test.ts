import {
  IDENTITY_CLOCK_SKEW_SECONDS,
  IDENTITY_LIFETIME_SECONDS,
  identityKeyFor,
  IdentitySigner,
  InvalidIdentityError,
  signIdentity,
  verifyIdentity,
  type Identity,
} from './index';

const secret = 'a-secret-shared-by-router-and-subgraphs';
const customer: Identity = { kind: 'user', userId: 'u1', role: 'CUSTOMER', scopes: ['customer'] };
const ordersKey = identityKeyFor(secret, 'orders');

describe('signed identity header', () => {
  it('round-trips every kind of identity', () => {
    const identities: Identity[] = [
      customer,
      { kind: 'anonymous' },
      { kind: 'service', service: 'orders', scopes: ['inventory:reserve'] },
    ];
    for (const identity of identities) {
      expect(verifyIdentity(signIdentity(identity, ordersKey), ordersKey)).toEqual(identity);
    }
  });

  it('refuses a missing header, another secret, and a changed payload', () => {
    expect(() => verifyIdentity(undefined, ordersKey)).toThrow(InvalidIdentityError);
    expect(() =>
      verifyIdentity(signIdentity(customer, identityKeyFor('another-secret', 'orders')), ordersKey),
    ).toThrow(InvalidIdentityError);
    const [version, , signature] = signIdentity(customer, ordersKey).split('.');
    const admin = Buffer.from(
      JSON.stringify({
        identity: { ...customer, role: 'ADMIN', scopes: ['admin'] },
        iat: Math.floor(Date.now() / 1000),
      }),
    ).toString('base64url');
    expect(() => verifyIdentity(`${version}.${admin}.${signature}`, ordersKey)).toThrow(
      InvalidIdentityError,
    );
    expect(() => verifyIdentity('v2.only-two', ordersKey)).toThrow(InvalidIdentityError);
  });

  it('refuses a header signed for another subgraph, so one captured on its way to one is refused by every other', () => {
    const signer = new IdentitySigner(secret);
    const forOrders = signer.sign(customer, 'orders');
    expect(verifyIdentity(forOrders, ordersKey)).toEqual(customer);
    for (const other of ['payments', 'users', 'inventory', 'Orders', '']) {
      expect(() => verifyIdentity(forOrders, identityKeyFor(secret, other))).toThrow(
        /signed for another subgraph/,
      );
    }
  });

  it('accepts a header for as long as a request needs, clock skew allowed, and not a second more', () => {
    const signedAt = Date.UTC(2026, 0, 1, 12, 0, 0);
    const header = signIdentity(customer, ordersKey, signedAt);
    const at = (seconds: number) => signedAt + seconds * 1000;
    const lastAccepted = IDENTITY_LIFETIME_SECONDS + IDENTITY_CLOCK_SKEW_SECONDS;
    expect(lastAccepted).toBeLessThanOrEqual(60);
    expect(verifyIdentity(header, ordersKey, at(lastAccepted))).toEqual(customer);
    expect(() => verifyIdentity(header, ordersKey, at(lastAccepted + 1))).toThrow(/expired/);
    expect(() => verifyIdentity(header, ordersKey, at(300))).toThrow(/expired/);
    // Signed by a host whose clock runs ahead of the verifier's.
    expect(verifyIdentity(header, ordersKey, at(-IDENTITY_CLOCK_SKEW_SECONDS))).toEqual(customer);
    expect(() => verifyIdentity(header, ordersKey, at(-IDENTITY_CLOCK_SKEW_SECONDS - 1))).toThrow(
      /expired/,
    );
  });

  it('refuses the headers of the previous version, which named no audience', () => {
    const [, payload, signature] = signIdentity(customer, ordersKey).split('.');
    expect(() => verifyIdentity(`v1.${payload}.${signature}`, ordersKey)).toThrow(/Malformed/);
  });
});
