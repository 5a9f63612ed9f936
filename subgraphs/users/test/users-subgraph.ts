import type { Identity } from '@shop/identity';
import {
  graphqlRequest,
  identityHeaders,
  prepareTestDatabase,
  testSubgraphSettings,
  countRows,
} from '@shop/testing';
import { loadUsersConfig, startUsersSubgraph, type SeedAdmin, type UsersConfig } from '@shop/users';

export type RunningUsers = Awaited<ReturnType<typeof startUsersSubgraph>>;

export const ANONYMOUS: Identity = { kind: 'anonymous' };

/**
 * Boots the users subgraph, seeded, on an emptied test database with the
 * development signing key; `call` sends an operation as the given identity,
 * as the router would.
 */
export async function startTestUsersSubgraph(seedAdmin?: SeedAdmin) {
  const databaseUrl = await prepareTestDatabase('users');
  const defaults = loadUsersConfig({ DATABASE_URL_USERS: databaseUrl });
  const config: UsersConfig = {
    ...defaults,
    ...testSubgraphSettings(databaseUrl),
    seedAdmin: seedAdmin ?? defaults.seedAdmin,
  };
  const subgraph = await startUsersSubgraph(config, { seed: true });
  return {
    subgraph,
    databaseUrl,
    config,
    call: <Data = Record<string, unknown>>(
      identity: Identity,
      query: string,
      variables?: Record<string, unknown>,
    ) => graphqlRequest<Data>(subgraph.url, query, variables, identityHeaders(identity)),
    count: (table: 'User' | 'Address' | 'RefreshToken'): Promise<number> =>
      countRows(databaseUrl, table),
  };
}

/** The codes of a response's errors, in order. */
export function errorCodes(response: { errors?: { extensions?: Record<string, unknown> }[] }) {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}
