import { InvalidIdentityError, signIdentity, verifyIdentity, type Identity } from './index';

const secret = 'a-secret-shared-by-router-and-subgraphs';
const customer: Identity = { kind: 'user', userId: 'u1', role: 'CUSTOMER', scopes: ['customer'] };

describe('signed identity header', () => {
  it('round-trips every kind of identity', () => {
    const identities: Identity[] = [
      customer,
      { kind: 'anonymous' },
      { kind: 'service', service: 'orders', scopes: ['inventory:reserve'] },
    ];
    for (const identity of identities) {
      expect(verifyIdentity(signIdentity(identity, secret), secret)).toEqual(identity);
    }
  });

  it('refuses a missing header, another secret, and a changed payload', () => {
    expect(() => verifyIdentity(undefined, secret)).toThrow(InvalidIdentityError);
    expect(() => verifyIdentity(signIdentity(customer, 'another-secret'), secret)).toThrow(
      InvalidIdentityError,
    );
    const [version, , signature] = signIdentity(customer, secret).split('.');
    const admin = Buffer.from(
      JSON.stringify({
        identity: { ...customer, role: 'ADMIN', scopes: ['admin'] },
        iat: Math.floor(Date.now() / 1000),
      }),
    ).toString('base64url');
    expect(() => verifyIdentity(`${version}.${admin}.${signature}`, secret)).toThrow(
      InvalidIdentityError,
    );
    expect(() => verifyIdentity('v1.only-two', secret)).toThrow(InvalidIdentityError);
  });

  it('refuses an old header, so a captured one cannot be replayed for long', () => {
    const tenMinutesAgo = Date.now() - 600_000;
    expect(() =>
      verifyIdentity(signIdentity(customer, secret, tenMinutesAgo), secret, 300),
    ).toThrow(/expired/);
  });
});
