import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt's cost: N = 2^14, r = 8, p = 1 takes 16 MiB and tens of milliseconds per hash. */
const COST = { N: 16384, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/**
 * Bounds on parameters read back from a stored hash, so a tampered row cannot
 * make verification allocate gigabytes; they leave room to raise the cost later.
 */
const LIMITS = { maxN: 2 ** 20, maxR: 32, maxP: 16 } as const;

/**
 * A hash of a random password nobody knows, at the same cost as real hashes:
 * login verifies against it when the email is unknown, so an unknown email
 * takes as long as a wrong password and the timing does not tell them apart.
 */
export const DUMMY_PASSWORD_HASH =
  'scrypt$16384$8$1$BXO+GGRpNr2eBv1x/sbxNA==$0t+sZAsHzvmNflfWGfhWQW+OJ5J+S9lItqVVmIh3InE=';

export interface ScryptParameters {
  N: number;
  r: number;
  p: number;
}

export interface ParsedPasswordHash extends ScryptParameters {
  salt: Buffer;
  hash: Buffer;
}

/**
 * Hashes a password into the self-describing form "scrypt$N$r$p$salt$hash"
 * (salt and hash in base64), so the cost can change without breaking old hashes.
 */
export async function hashPassword(plain: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(plain, salt, COST, KEY_BYTES);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), hash.toString('base64')].join(
    '$',
  );
}

/** Whether the password matches the stored hash, compared in constant time. */
export async function verifyPassword(plain: string, stored: string): Promise<boolean> {
  const { salt, hash, ...parameters } = parsePasswordHash(stored);
  const candidate = await derive(plain, salt, parameters, hash.length);
  return timingSafeEqual(candidate, hash);
}

/** Reads a stored hash; throws when it is not one hashPassword could have written. */
export function parsePasswordHash(stored: string): ParsedPasswordHash {
  const parts = stored.split('$');
  const [scheme, n, r, p, salt, hash] = parts;
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  const valid =
    parts.length === 6 &&
    scheme === 'scrypt' &&
    Number.isInteger(N) &&
    N > 1 &&
    N <= LIMITS.maxN &&
    (N & (N - 1)) === 0 &&
    Number.isInteger(R) &&
    R >= 1 &&
    R <= LIMITS.maxR &&
    Number.isInteger(P) &&
    P >= 1 &&
    P <= LIMITS.maxP &&
    isBase64(salt) &&
    isBase64(hash);
  if (!valid) throw new Error('Stored password hash is not in the form scrypt$N$r$p$salt$hash');
  return { N, r: R, p: P, salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

function isBase64(value: string | undefined): value is string {
  return value !== undefined && value.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value);
}

function derive(
  plain: string,
  salt: Buffer,
  { N, r, p }: ScryptParameters,
  keyBytes: number,
): Promise<Buffer> {
  // The same password typed on different keyboards can arrive in different Unicode forms.
  const password = plain.normalize('NFKC');
  // OpenSSL needs 128·r·(N + p + 2) bytes; Node's 32 MiB default would refuse larger costs.
  const maxmem = 2 * 128 * r * (N + p + 2);
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyBytes, { N, r, p, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}
