import { z } from 'zod';
import { ConfigError } from '@shop/platform';
import { developmentIdentitySecret, developmentKeyPair } from './development-keys';

/** Environment variables about identity; parse them with the rest of a process's config. */
export const identitySettings = {
  /** HMAC secret shared by the router and every subgraph (≥ 32 characters). */
  IDENTITY_SECRET: z.string().min(32).optional(),
  JWT_ISSUER: z.string().default('shop-users'),
  JWT_AUDIENCE: z.string().default('shop-supergraph'),
};

export const accessTokenSigningSettings = {
  /** Ed25519 private key, PKCS#8 PEM (\n may be written as \\n). Only the users subgraph has it. */
  JWT_PRIVATE_KEY: z.string().optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(7),
};

export const accessTokenVerifyingSettings = {
  /** Ed25519 public key, SPKI PEM. The router verifies access tokens with it. */
  JWT_PUBLIC_KEY: z.string().optional(),
};

/**
 * The secret or key given, else (outside production) the development one;
 * production without it fails at start, naming the variable.
 */
export function requireSecret(
  name: 'IDENTITY_SECRET' | 'JWT_PRIVATE_KEY' | 'JWT_PUBLIC_KEY',
  value: string | undefined,
  production: boolean,
): string {
  if (value) return value.replace(/\\n/g, '\n');
  if (production) throw new ConfigError([`${name}: required when NODE_ENV=production`]);
  if (name === 'IDENTITY_SECRET') return developmentIdentitySecret();
  const keys = developmentKeyPair();
  return name === 'JWT_PRIVATE_KEY' ? keys.privateKeyPem : keys.publicKeyPem;
}
