import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { loadSubgraphSettings, type SubgraphSettings } from '@shop/federation';
import { accessTokenSigningSettings, identitySettings, requireSecret } from '@shop/identity';
import { ConfigError } from '@shop/platform';

/** The account the seed creates as the store's ADMIN. */
export interface SeedAdmin {
  email: string;
  password: string;
}

/** How sessions are issued: access tokens signed here, refresh tokens stored here. */
export interface TokenSettings {
  /** Ed25519 private key, PKCS#8 PEM; the router verifies with its public half. */
  privateKeyPem: string;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
}

export interface UsersConfig extends SubgraphSettings {
  seedAdmin: SeedAdmin;
  tokens: TokenSettings;
}

/**
 * The users subgraph's settings: USERS_PORT, DATABASE_URL_USERS and the shared
 * ones, SEED_ADMIN_EMAIL and SEED_ADMIN_PASSWORD for the seeded ADMIN, and the
 * token settings (JWT_PRIVATE_KEY, JWT_ISSUER, JWT_AUDIENCE,
 * ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_DAYS).
 */
export function loadUsersConfig(env?: Record<string, string | undefined>): UsersConfig {
  const { own, ...settings } = loadSubgraphSettings('users', env, {
    SEED_ADMIN_EMAIL: z.email().default('admin@shop.local'),
    // Register's own minimum, so the seeded admin could also have been registered.
    SEED_ADMIN_PASSWORD: z.string().min(8).default('admin-dev-password'),
    JWT_ISSUER: identitySettings.JWT_ISSUER,
    JWT_AUDIENCE: identitySettings.JWT_AUDIENCE,
    ...accessTokenSigningSettings,
  });
  return {
    ...settings,
    seedAdmin: { email: own.SEED_ADMIN_EMAIL, password: own.SEED_ADMIN_PASSWORD },
    tokens: {
      privateKeyPem: ed25519PrivateKey(
        requireSecret('JWT_PRIVATE_KEY', own.JWT_PRIVATE_KEY, settings.production),
      ),
      issuer: own.JWT_ISSUER,
      audience: own.JWT_AUDIENCE,
      accessTokenTtlSeconds: own.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: own.REFRESH_TOKEN_TTL_DAYS,
    },
  };
}

/** A wrong key would otherwise surface only when the first login tries to sign. */
function ed25519PrivateKey(pem: string): string {
  let type: string | undefined;
  try {
    type = createPrivateKey(pem).asymmetricKeyType;
  } catch {
    type = undefined;
  }
  if (type !== 'ed25519') {
    throw new ConfigError(['JWT_PRIVATE_KEY: must be an Ed25519 private key in PKCS#8 PEM']);
  }
  return pem;
}
