import { addressKey } from './client-address';

describe('the address limits count a caller under', () => {
  it('keeps an IPv4 address, also one mapped into IPv6', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('cuts an IPv6 address to its /64, however it is written', () => {
    const key = '2001:db8:85a3:42::/64';
    expect(addressKey('2001:db8:85a3:42::1')).toBe(key);
    expect(addressKey('2001:0db8:85a3:0042:ffff:ffff:ffff:ffff')).toBe(key);
    expect(addressKey('2001:db8:85a3:42:0:0:0:1%eth0')).toBe(key);
    expect(addressKey('1::2:3:4:5:192.0.2.1')).toBe('1:0:2:3::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });

  it('names a socket without an address', () => {
    expect(addressKey(undefined)).toBe('unknown');
  });
});
