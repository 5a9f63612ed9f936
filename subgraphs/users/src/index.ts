import { launchSubgraph, type SubgraphDefinition } from '@shop/federation';
import type { Logger } from '@shop/platform';
import type { UsersConfig } from './config';
import { contextFactory, createServices, type UsersContext } from './context';
import { connectDatabase, MIGRATIONS_DIR, type Database } from './db';
import { buildUsersSchema } from './schema';
import { seedUsers } from './seed';

export { loadUsersConfig, type SeedAdmin, type UsersConfig } from './config';
export { buildUsersSchema } from './schema';

/** A function of the config because the seed creates the configured admin. */
export function usersSubgraph(config: UsersConfig): SubgraphDefinition<Database, UsersContext> {
  return {
    name: 'users',
    migrationsDir: MIGRATIONS_DIR,
    connect: connectDatabase,
    buildSchema: buildUsersSchema,
    context: (db) => contextFactory(createServices(db)),
    seed: (db) => seedUsers(db, config.seedAdmin),
  };
}

export function startUsersSubgraph(
  config: UsersConfig,
  options: { log?: Logger; seed?: boolean } = {},
) {
  return launchSubgraph(usersSubgraph(config), config, options);
}
