import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { loadSubgraphSettings, type SubgraphSettings } from '@shop/federation';
import { accessTokenSigningSettings, identitySettings } from '@shop/identity';
import { ConfigError, runsInProduction, type AttemptBackoffSettings } from '@shop/platform';

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
  /** Failed logins per account: how many are free and how the wait grows after them. */
  loginThrottle: AttemptBackoffSettings;
}

/**
 * The users subgraph's settings: USERS_PORT, DATABASE_URL_USERS and the shared
 * ones, SEED_ADMIN_EMAIL and SEED_ADMIN_PASSWORD for the seeded ADMIN, and the
 * token settings (JWT_PRIVATE_KEY, JWT_ISSUER, JWT_AUDIENCE,
 * ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_DAYS), and the throttle of
 * failed logins per account (LOGIN_ACCOUNT_FREE_FAILURES,
 * LOGIN_ACCOUNT_MAX_DELAY_SECONDS, LOGIN_ACCOUNT_FAILURE_WINDOW_SECONDS).
 */
export function loadUsersConfig(env?: Record<string, string | undefined>): UsersConfig {
  const production = runsInProduction(env);
  const { JWT_ISSUER, JWT_AUDIENCE } = identitySettings(production);
  const { own, ...settings } = loadSubgraphSettings('users', env, {
    SEED_ADMIN_EMAIL: z.email().default('admin@shop.local'),
    // Register's own minimum, so the seeded admin could also have been registered.
    SEED_ADMIN_PASSWORD: z.string().min(8).default('admin-dev-password'),
    JWT_ISSUER,
    JWT_AUDIENCE,
    ...accessTokenSigningSettings(production),
    // Failed logins per account: free ones, then a wait doubling from 1 s up
    // to the cap, counted in a window that opens at the first failure.
    LOGIN_ACCOUNT_FREE_FAILURES: z.coerce.number().int().min(1).default(5),
    LOGIN_ACCOUNT_MAX_DELAY_SECONDS: z.coerce.number().int().min(1).default(900),
    LOGIN_ACCOUNT_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(60).default(86_400),
  });
  if (own.LOGIN_ACCOUNT_FAILURE_WINDOW_SECONDS < own.LOGIN_ACCOUNT_MAX_DELAY_SECONDS) {
    // The window would end, and its count be forgotten, before the longest wait did.
    throw new ConfigError([
      'LOGIN_ACCOUNT_FAILURE_WINDOW_SECONDS: must be at least LOGIN_ACCOUNT_MAX_DELAY_SECONDS',
    ]);
  }
  return {
    ...settings,
    seedAdmin: { email: own.SEED_ADMIN_EMAIL, password: own.SEED_ADMIN_PASSWORD },
    tokens: {
      privateKeyPem: ed25519PrivateKey(own.JWT_PRIVATE_KEY),
      issuer: own.JWT_ISSUER,
      audience: own.JWT_AUDIENCE,
      accessTokenTtlSeconds: own.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: own.REFRESH_TOKEN_TTL_DAYS,
    },
    loginThrottle: {
      freeFailures: own.LOGIN_ACCOUNT_FREE_FAILURES,
      maxDelaySeconds: own.LOGIN_ACCOUNT_MAX_DELAY_SECONDS,
      windowSeconds: own.LOGIN_ACCOUNT_FAILURE_WINDOW_SECONDS,
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
