import { RecentValues } from './recent-values';

describe('RecentValues', () => {
  it('finds an object by identity and a string by its text', () => {
    const recent = new RecentValues<unknown, number>(4);
    const object = { id: 1 };
    recent.remember(object, 1);
    recent.remember('text', 2);
    expect(recent.get(object)).toBe(1);
    expect(recent.get({ id: 1 })).toBeUndefined();
    expect(recent.get(['te', 'xt'].join(''))).toBe(2);
  });

  it('keeps only the last `limit` keys remembered', () => {
    const recent = new RecentValues<string, number>(2);
    recent.remember('a', 1);
    recent.remember('b', 2);
    recent.remember('c', 3);
    expect(recent.get('a')).toBeUndefined();
    expect([recent.get('b'), recent.get('c')]).toEqual([2, 3]);
  });
});
