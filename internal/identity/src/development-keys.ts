import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';

/**
 * Keys for development and tests only, derived from a fixed phrase so every
 * process of a local run agrees without configuration. Configuration refuses
 * them in production (NODE_ENV=production requires real keys).
 */
const PHRASE = 'shop-supergraph development only - never in production';

// An Ed25519 private key in PKCS#8 DER is this prefix followed by the 32-byte seed.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function developmentKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const seed = createHash('sha256').update(`${PHRASE}:jwt`).digest();
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString(),
  };
}

export function developmentIdentitySecret(): string {
  return createHash('sha256').update(`${PHRASE}:identity`).digest('base64url');
}
