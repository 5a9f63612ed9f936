import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Identity } from './identity';

/** The header the router (or a calling subgraph) puts the signed identity in. */
export const IDENTITY_HEADER = 'x-shop-identity';

const VERSION = 'v1';

export class InvalidIdentityError extends Error {}

interface Envelope {
  identity: Identity;
  /** Seconds since the epoch when it was signed. */
  iat: number;
}

/**
 * `v1.<payload>.<hmac>`: the identity as base64url JSON and an HMAC-SHA256 of
 * it under the secret the router and the subgraphs share. Subgraphs accept
 * only this, so a request that goes around the router has no identity at all.
 */
export function signIdentity(identity: Identity, secret: string, now = Date.now()): string {
  const payload = Buffer.from(
    JSON.stringify({ identity, iat: Math.floor(now / 1000) } satisfies Envelope),
  ).toString('base64url');
  return `${VERSION}.${payload}.${mac(payload, secret)}`;
}

/**
 * Checks the signature and the age: a header older than `maxAgeSeconds` (or
 * from the future, beyond a little clock skew) is refused, so a captured
 * header cannot be replayed for long.
 */
export function verifyIdentity(
  header: string | undefined,
  secret: string,
  maxAgeSeconds = 300,
  now = Date.now(),
): Identity {
  if (!header) throw new InvalidIdentityError('No identity header');
  const [version, payload, signature] = header.split('.');
  if (version !== VERSION || !payload || !signature)
    throw new InvalidIdentityError('Malformed identity header');
  const expected = Buffer.from(mac(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new InvalidIdentityError('Identity header signature does not match');
  }
  let envelope: Envelope;
  try {
    envelope = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Envelope;
  } catch {
    throw new InvalidIdentityError('Malformed identity payload');
  }
  const age = Math.floor(now / 1000) - envelope.iat;
  if (!Number.isFinite(age) || age > maxAgeSeconds || age < -30) {
    throw new InvalidIdentityError('Identity header expired');
  }
  return envelope.identity;
}

function mac(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(`${VERSION}.${payload}`).digest('base64url');
}
