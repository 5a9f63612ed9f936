import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * The address a caller's limits are counted under: the peer address of its
 * socket, an IPv4-mapped IPv6 address as the IPv4 one, and any other IPv6
 * address cut to its /64 — one subscriber is routinely handed a whole /64,
 * so counting single IPv6 addresses would give it 2^64 fresh ones. Not
 * X-Forwarded-For: any client can write that header (docs/scaling.md).
 */
export function clientAddressOf(req: IncomingMessage): string {
  return addressKey(req.socket.remoteAddress);
}

export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return mapped;
  if (isIPv4(address) || !isIPv6(address.split('%')[0] ?? '')) return address;
  return `${ipv6Groups(address.split('%')[0]!).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, `::` expanded, without leading zeros. */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const parts = (text: string) => (text ? text.split(':') : []);
  // An embedded IPv4 address (the last 32 bits) is two groups.
  const width = (groups: string[]) =>
    groups.reduce((sum, group) => sum + (group.includes('.') ? 2 : 1), 0);
  const left = parts(head);
  const right = tail === undefined ? [] : parts(tail);
  const zeros = tail === undefined ? 0 : 8 - width(left) - width(right);
  return [...left, ...Array<string>(zeros).fill('0'), ...right].map((group) =>
    group.includes('.') ? group : parseInt(group, 16).toString(16),
  );
}
