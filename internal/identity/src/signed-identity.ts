import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Identity } from './identity';

/** The header the router (or a calling subgraph) puts the signed identity in. */
export const IDENTITY_HEADER = 'x-shop-identity';

const VERSION = 'v2';

/**
 * How long after its signing a header is accepted. Each call is sent with a
 * header signed at most seconds before (the router reuses one only for a
 * short while within a request; siblings sign every call) and checked on
 * arrival, so a request needs seconds; the rest is margin for a loaded
 * machine. Whoever captures a header has no longer than this (and the clock
 * skew) to replay it, at that subgraph only.
 */
export const IDENTITY_LIFETIME_SECONDS = 30;

/**
 * How far the signer's clock may be from the verifier's, either way: the
 * router and subgraphs run on different hosts. NTP keeps them within
 * milliseconds; this covers a host whose sync has lagged.
 */
export const IDENTITY_CLOCK_SKEW_SECONDS = 15;

export class InvalidIdentityError extends Error {}

interface Envelope {
  identity: Identity;
  /** Seconds since the epoch when it was signed. */
  iat: number;
}

/**
 * The key that signs identities for one audience, the subgraph a header is
 * sent to, derived from the secret the router and the subgraphs share. A
 * subgraph verifies with its own audience's key only, so a header captured
 * on its way to one subgraph is refused by every other.
 */
export function identityKeyFor(secret: string, audience: string): string {
  return createHmac('sha256', secret)
    .update(`${IDENTITY_HEADER} ${VERSION} audience:${audience}`)
    .digest('base64url');
}

/**
 * `v2.<payload>.<hmac>`: the identity and its signing time as base64url JSON
 * and an HMAC-SHA256 of it under the audience's key (identityKeyFor).
 * Subgraphs accept only this, so a request that goes around the router has
 * no identity at all.
 */
export function signIdentity(identity: Identity, audienceKey: string, now = Date.now()): string {
  const payload = Buffer.from(
    JSON.stringify({ identity, iat: Math.floor(now / 1000) } satisfies Envelope),
  ).toString('base64url');
  return `${VERSION}.${payload}.${mac(payload, audienceKey)}`;
}

/**
 * Checks the signature under this audience's key and the age: a header
 * signed for another subgraph, older than its lifetime or from the future
 * (beyond the clock skew) is refused.
 */
export function verifyIdentity(
  header: string | undefined,
  audienceKey: string,
  now = Date.now(),
): Identity {
  if (!header) throw new InvalidIdentityError('No identity header');
  const [version, payload, signature] = header.split('.');
  if (version !== VERSION || !payload || !signature)
    throw new InvalidIdentityError('Malformed identity header');
  const expected = Buffer.from(mac(payload, audienceKey));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new InvalidIdentityError(
      'Identity header signature does not match (forged, or signed for another subgraph)',
    );
  }
  let envelope: Envelope;
  try {
    envelope = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Envelope;
  } catch {
    throw new InvalidIdentityError('Malformed identity payload');
  }
  const age = Math.floor(now / 1000) - envelope.iat;
  if (
    !Number.isFinite(age) ||
    age > IDENTITY_LIFETIME_SECONDS + IDENTITY_CLOCK_SKEW_SECONDS ||
    age < -IDENTITY_CLOCK_SKEW_SECONDS
  ) {
    throw new InvalidIdentityError('Identity header expired');
  }
  return envelope.identity;
}

/** Signs for any audience with the shared secret, deriving each audience's key once. */
export class IdentitySigner {
  private readonly keys = new Map<string, string>();

  constructor(private readonly secret: string) {}

  sign(identity: Identity, audience: string, now = Date.now()): string {
    let key = this.keys.get(audience);
    if (key === undefined) {
      key = identityKeyFor(this.secret, audience);
      this.keys.set(audience, key);
    }
    return signIdentity(identity, key, now);
  }
}

function mac(payload: string, key: string): string {
  return createHmac('sha256', key).update(`${VERSION}.${payload}`).digest('base64url');
}
