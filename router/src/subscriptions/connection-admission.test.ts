import type { Identity } from '@shop/identity';
import { ConnectionAdmission, type RefusalReason } from './connection-admission';

const user = (userId: string): Identity => ({
  kind: 'user',
  userId,
  role: 'CUSTOMER',
  scopes: ['customer'],
});

describe('ConnectionAdmission', () => {
  const refused: RefusalReason[] = [];
  const admission = () =>
    new ConnectionAdmission(
      { maxPerAddress: 2, maxPerUser: 1, maxSubscriptionsPerConnection: 3, initTimeoutMs: 1_000 },
      (reason) => refused.push(reason),
    );
  beforeEach(() => refused.splice(0));

  it('admits up to the limit per address, and one more once a slot is given back (twice does not count)', () => {
    const limits = admission();
    const first = limits.admitAddress('192.0.2.1');
    expect('release' in first && 'release' in limits.admitAddress('192.0.2.1')).toBe(true);
    expect(limits.admitAddress('192.0.2.1')).toEqual({
      refused: 'Too many connections from this address',
    });
    expect('release' in limits.admitAddress('192.0.2.2')).toBe(true);
    if ('release' in first) {
      first.release();
      first.release();
    }
    expect('release' in limits.admitAddress('192.0.2.1')).toBe(true);
    expect(limits.admitAddress('192.0.2.1')).toHaveProperty('refused');
    expect(refused).toEqual(['connections_per_address', 'connections_per_address']);
  });

  it('limits signed-in users wherever they connect from, and nobody else by user', () => {
    const limits = admission();
    expect('release' in limits.admit('192.0.2.1', user('u1'))).toBe(true);
    expect(limits.admit('192.0.2.9', user('u1'))).toEqual({
      refused: 'Too many connections for this user',
    });
    // The refused one gave its address slot back.
    expect('release' in limits.admit('192.0.2.9', { kind: 'anonymous' })).toBe(true);
    expect('release' in limits.admit('192.0.2.9', { kind: 'anonymous' })).toBe(true);
    expect(refused).toEqual(['connections_per_user']);
  });

  it('refuses an operation past the per-connection limit with MAX_SUBSCRIPTIONS_EXCEEDED', () => {
    const limits = admission();
    expect(limits.operationRefusal(3)).toBeUndefined();
    expect(limits.operationRefusal(4)?.extensions).toEqual({
      code: 'MAX_SUBSCRIPTIONS_EXCEEDED',
      limit: 3,
    });
    expect(refused).toEqual(['subscriptions_per_connection']);
  });

  it('turns a limit off with 0', () => {
    const limits = new ConnectionAdmission(
      { maxPerAddress: 0, maxPerUser: 0, maxSubscriptionsPerConnection: 0, initTimeoutMs: 1_000 },
      (reason) => refused.push(reason),
    );
    for (let n = 0; n < 100; n += 1)
      expect('release' in limits.admit('192.0.2.1', user('u1'))).toBe(true);
    expect(limits.operationRefusal(1_000)).toBeUndefined();
    expect(refused).toEqual([]);
  });
});
