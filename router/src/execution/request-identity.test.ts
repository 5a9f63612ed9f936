import { identityKeyFor, IdentitySigner, verifyIdentity, type Identity } from '@shop/identity';
import { IdentityHeaders, RequestIdentity } from './request-identity';

const secret = 'request-identity-test-secret-0123456789';
const customer: Identity = { kind: 'user', userId: 'u1', role: 'CUSTOMER', scopes: ['customer'] };

describe('RequestIdentity', () => {
  it('signs once per identity and subgraph across requests, each header accepted by its own subgraph only', () => {
    const signer = new IdentitySigner(secret);
    const sign = jest.spyOn(signer, 'sign');
    const headers = new IdentityHeaders(signer);
    const now = Date.now();
    const forOrders = new RequestIdentity(customer, headers).headerFor('orders', now);
    const nextRequest = new RequestIdentity({ ...customer }, headers);
    expect(nextRequest.headerFor('orders', now + 500)).toBe(forOrders);
    const forUsers = nextRequest.headerFor('users', now + 500);
    expect(sign).toHaveBeenCalledTimes(2);
    expect(verifyIdentity(forOrders, identityKeyFor(secret, 'orders'), now)).toEqual(customer);
    expect(verifyIdentity(forUsers, identityKeyFor(secret, 'users'), now)).toEqual(customer);
    expect(() => verifyIdentity(forOrders, identityKeyFor(secret, 'users'), now)).toThrow();
  });

  it('never hands one caller’s header to another', () => {
    const headers = new IdentityHeaders(new IdentitySigner(secret));
    const other: Identity = { ...customer, userId: 'u2' };
    const now = Date.now();
    const forCustomer = new RequestIdentity(customer, headers).headerFor('orders', now);
    const forOther = new RequestIdentity(other, headers).headerFor('orders', now);
    expect(forOther).not.toBe(forCustomer);
    expect(verifyIdentity(forOther, identityKeyFor(secret, 'orders'), now)).toEqual(other);
  });

  it('signs again for a call long after the first, so a late retry is not refused as expired', () => {
    const identity = new RequestIdentity(customer, new IdentityHeaders(new IdentitySigner(secret)));
    const start = Date.UTC(2026, 0, 1, 12, 0, 0);
    const first = identity.headerFor('orders', start);
    const late = identity.headerFor('orders', start + 20_000);
    expect(late).not.toBe(first);
    expect(verifyIdentity(late, identityKeyFor(secret, 'orders'), start + 60_000)).toEqual(
      customer,
    );
  });

  it('keeps a bounded number of headers: with many callers, the expired ones go', () => {
    const signer = new IdentitySigner(secret);
    const headers = new IdentityHeaders(signer);
    const start = Date.UTC(2026, 0, 1, 12, 0, 0);
    for (let user = 0; user < 10_000; user++) {
      new RequestIdentity({ ...customer, userId: `u${user}` }, headers).headerFor('orders', start);
    }
    const sign = jest.spyOn(signer, 'sign');
    const later = start + 11_000;
    const late = new RequestIdentity(customer, headers).headerFor('orders', later);
    expect(sign).toHaveBeenCalledTimes(1);
    expect(verifyIdentity(late, identityKeyFor(secret, 'orders'), later)).toEqual(customer);
    expect((headers as unknown as { signed: Map<string, unknown> }).signed.size).toBe(1);
  });

  it('keys de-duplication by who acts, not by the signed header', () => {
    const headers = new IdentityHeaders(new IdentitySigner(secret));
    expect(new RequestIdentity(customer, headers).key).toBe(
      new RequestIdentity({ ...customer }, headers).key,
    );
    expect(new RequestIdentity(customer, headers).key).not.toBe(
      new RequestIdentity({ ...customer, userId: 'u2' }, headers).key,
    );
  });
});
