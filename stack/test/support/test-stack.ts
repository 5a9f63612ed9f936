import { prepareTestDatabase, SUBGRAPHS } from '@shop/testing';
import { loadStackConfig, startStack, type RunningStack } from '@shop/stack';

/**
 * The six subgraphs and the router in this process, on free ports, each
 * subgraph on its own freshly migrated and seeded database on the machine's
 * PostgreSQL.
 */
export async function startTestStack(extraEnv: Record<string, string> = {}): Promise<RunningStack> {
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...extraEnv,
  };
  for (const subgraph of SUBGRAPHS) {
    env[`DATABASE_URL_${subgraph.toUpperCase()}`] = await prepareTestDatabase(subgraph);
    env[`${subgraph.toUpperCase()}_PORT`] = '0';
    env.DATABASE_POOL_SIZE = '4';
  }
  return startStack(loadStackConfig({ ...env, ...extraEnv }));
}
