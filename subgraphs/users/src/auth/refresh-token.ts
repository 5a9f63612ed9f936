import { createHash, randomBytes } from 'node:crypto';

/** A new opaque refresh token (32 random bytes, base64url) and the hash to store for it. */
export function newRefreshToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashRefreshToken(token) };
}

/**
 * Only this hash is stored, so a leaked table holds no usable token. A fast
 * hash suffices: the token has 256 random bits, nothing to guess.
 */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
