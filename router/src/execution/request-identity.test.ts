import { identityKeyFor, IdentitySigner, verifyIdentity, type Identity } from '@shop/identity';
import { RequestIdentity } from './request-identity';

const secret = 'request-identity-test-secret-0123456789';
const customer: Identity = { kind: 'user', userId: 'u1', role: 'CUSTOMER', scopes: ['customer'] };

describe('RequestIdentity', () => {
  it('signs once per subgraph a request calls, each header accepted by its own subgraph only', () => {
    const signer = new IdentitySigner(secret);
    const sign = jest.spyOn(signer, 'sign');
    const identity = new RequestIdentity(customer, signer);
    const now = Date.now();
    const forOrders = identity.headerFor('orders', now);
    expect(identity.headerFor('orders', now + 500)).toBe(forOrders);
    const forUsers = identity.headerFor('users', now + 500);
    expect(sign).toHaveBeenCalledTimes(2);
    expect(verifyIdentity(forOrders, identityKeyFor(secret, 'orders'), now)).toEqual(customer);
    expect(verifyIdentity(forUsers, identityKeyFor(secret, 'users'), now)).toEqual(customer);
    expect(() => verifyIdentity(forOrders, identityKeyFor(secret, 'users'), now)).toThrow();
  });

  it('signs again for a call long after the first, so a late retry is not refused as expired', () => {
    const identity = new RequestIdentity(customer, new IdentitySigner(secret));
    const start = Date.UTC(2026, 0, 1, 12, 0, 0);
    const first = identity.headerFor('orders', start);
    const late = identity.headerFor('orders', start + 20_000);
    expect(late).not.toBe(first);
    expect(verifyIdentity(late, identityKeyFor(secret, 'orders'), start + 60_000)).toEqual(
      customer,
    );
  });

  it('keys de-duplication by who acts, not by the signed header', () => {
    const signer = new IdentitySigner(secret);
    expect(new RequestIdentity(customer, signer).key).toBe(
      new RequestIdentity({ ...customer }, signer).key,
    );
    expect(new RequestIdentity(customer, signer).key).not.toBe(
      new RequestIdentity({ ...customer, userId: 'u2' }, signer).key,
    );
  });
});
