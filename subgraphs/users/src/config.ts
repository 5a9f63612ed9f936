import { z } from 'zod';
import { loadSubgraphSettings, type SubgraphSettings } from '@shop/federation';

/** The account the seed creates as the store's ADMIN. */
export interface SeedAdmin {
  email: string;
  password: string;
}

export interface UsersConfig extends SubgraphSettings {
  seedAdmin: SeedAdmin;
}

/**
 * The users subgraph's settings: USERS_PORT, DATABASE_URL_USERS and the shared
 * ones, plus SEED_ADMIN_EMAIL and SEED_ADMIN_PASSWORD for the seeded ADMIN.
 */
export function loadUsersConfig(env?: Record<string, string | undefined>): UsersConfig {
  const { own, ...settings } = loadSubgraphSettings('users', env, {
    SEED_ADMIN_EMAIL: z.email().default('admin@shop.local'),
    // Register's own minimum, so the seeded admin could also have been registered.
    SEED_ADMIN_PASSWORD: z.string().min(8).default('admin-dev-password'),
  });
  return {
    ...settings,
    seedAdmin: { email: own.SEED_ADMIN_EMAIL, password: own.SEED_ADMIN_PASSWORD },
  };
}
