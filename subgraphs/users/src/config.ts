import { z } from 'zod';
import { loadSubgraphSettings, type SubgraphSettings } from '@shop/federation';
import { ConfigError, loadConfig } from '@shop/platform';

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
export function loadUsersConfig(
  env: Record<string, string | undefined> = process.env,
): UsersConfig {
  const problems: string[] = [];
  // Both loaders run even when the first fails, so one start names every bad variable.
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const settings = attempt(() => loadSubgraphSettings('users', env));
  const own = attempt(() =>
    loadConfig(
      {
        SEED_ADMIN_EMAIL: z.email().default('admin@shop.local'),
        // Register's own minimum, so the seeded admin could also have been registered.
        SEED_ADMIN_PASSWORD: z.string().min(8).default('admin-dev-password'),
      },
      env,
    ),
  );
  if (!settings || !own) throw new ConfigError(problems);
  return {
    ...settings,
    seedAdmin: { email: own.SEED_ADMIN_EMAIL, password: own.SEED_ADMIN_PASSWORD },
  };
}
