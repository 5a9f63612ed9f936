import { launchSubgraph, type LaunchOptions, type SubgraphDefinition } from '@shop/federation';
import { createAccessTokenIssuer } from '@shop/identity';
import type { UsersConfig } from './config';
import { contextFactory, createServices, type UsersContext, type UsersServices } from './context';
import { connectDatabase, MIGRATIONS_DIR, USERS_STREAM, type Database } from './db';
import { buildUsersSchema } from './schema';
import { seedUsers } from './seed';

export { loadUsersConfig, type SeedAdmin, type TokenSettings, type UsersConfig } from './config';
export { buildUsersSchema } from './schema';

/**
 * Async because the signing key is imported once, at start: a process signs
 * every access token with the same issuer, and a bad key stops the start.
 */
export async function usersSubgraph(
  config: UsersConfig,
): Promise<SubgraphDefinition<Database, UsersServices, UsersContext, typeof USERS_STREAM>> {
  const { tokens } = config;
  const accessTokens = await createAccessTokenIssuer(tokens.privateKeyPem, {
    issuer: tokens.issuer,
    audience: tokens.audience,
    ttlSeconds: tokens.accessTokenTtlSeconds,
  });
  const sessions = { accessTokens, refreshTokenTtlDays: tokens.refreshTokenTtlDays };
  return {
    name: 'users',
    migrationsDir: MIGRATIONS_DIR,
    connect: connectDatabase,
    buildSchema: buildUsersSchema,
    publishes: USERS_STREAM,
    services: (db, { log, outbox }) =>
      createServices(db, outbox, sessions, config.loginThrottle, log),
    context: contextFactory,
    seed: (db) => seedUsers(db, config.seedAdmin),
  };
}

export async function startUsersSubgraph(config: UsersConfig, options: LaunchOptions = {}) {
  return launchSubgraph(await usersSubgraph(config), config, options);
}
