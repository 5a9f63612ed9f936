import { printSubgraphSchema } from '@apollo/subgraph';
import { composeSupergraph } from '@shop/composition';
import { createLogger } from '@shop/platform';
import { loadRouterConfig, startRouter, type RunningRouter } from '@shop/router';
import {
  prepareTestDatabase,
  TcpRelay,
  TEST_IDENTITY_SECRET,
  testEventsDatabaseUrl,
} from '@shop/testing';
import { buildUsersSchema, loadUsersConfig, startUsersSubgraph } from '@shop/users';

/**
 * The probes the Kubernetes manifests (deploy/k8s) point at: /live says the
 * process answers, /ready says it can serve — a subgraph when its database
 * answers, the router while it serves (not once it stops), whatever its
 * subgraphs do: /health reports them.
 */

/** The database URL through `relay`: its host and port replaced by the relay's. */
function relayedUrl(databaseUrl: string, relay: TcpRelay): string {
  const relayed = new URL(databaseUrl);
  relayed.hostname = '127.0.0.1';
  relayed.port = String(relay.port);
  return relayed.toString();
}

async function probe(base: string, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(new URL(path, base));
  return { status: response.status, body: await response.json() };
}

describe('liveness and readiness probes of a subgraph and the router', () => {
  let relay: TcpRelay;
  let users: Awaited<ReturnType<typeof startUsersSubgraph>>;
  let router: RunningRouter;

  beforeAll(async () => {
    // In front of the test database, so the test can take the database away.
    const databaseUrl = await prepareTestDatabase('users');
    const database = new URL(databaseUrl);
    relay = new TcpRelay(Number(database.port || 5432), database.hostname);
    await relay.listen();
    users = await startUsersSubgraph(
      loadUsersConfig({
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        USERS_PORT: '0',
        DATABASE_URL_USERS: relayedUrl(databaseUrl, relay),
        DATABASE_POOL_SIZE: '2',
        IDENTITY_SECRET: TEST_IDENTITY_SECRET,
        // Not through the relay: only the subgraph's own database is taken away.
        EVENTS_DATABASE_URL: testEventsDatabaseUrl(),
      }),
      { log: createLogger('users', 'silent') },
    );
    const { supergraphSdl } = composeSupergraph([
      { name: 'users', url: users.url, sdl: printSubgraphSchema(await buildUsersSchema()) },
    ]);
    router = await startRouter(
      loadRouterConfig({
        NODE_ENV: 'test',
        PORT: '0',
        IDENTITY_SECRET: TEST_IDENTITY_SECRET,
        HEALTH_TIMEOUT_MS: '1000',
      }),
      supergraphSdl,
      createLogger('router', 'silent'),
    );
  }, 30_000);

  afterAll(async () => {
    await router?.stop();
    await users?.stop();
    await relay?.close();
  });

  it('reports both live and ready while the database answers', async () => {
    for (const path of ['/live', '/ready', '/health']) {
      expect(await probe(users.url, path)).toEqual({
        status: 200,
        body: { status: 'ok', service: 'users' },
      });
    }
    expect(await probe(router.url, '/live')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await probe(router.url, '/ready')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await probe(router.url, '/health')).toEqual({
      status: 200,
      body: { status: 'ok', subgraphs: { users: 'ok' } },
    });
  });

  it('keeps both live, the subgraph not ready and the router ready, once the database stops answering', async () => {
    await relay.switchTo('refuse');

    expect(await probe(users.url, '/live')).toEqual({
      status: 200,
      body: { status: 'ok', service: 'users' },
    });
    const unavailable = { status: 503, body: { status: 'unavailable', service: 'users' } };
    expect(await probe(users.url, '/ready')).toEqual(unavailable);
    expect(await probe(users.url, '/health')).toEqual(unavailable);

    expect(await probe(router.url, '/live')).toEqual({ status: 200, body: { status: 'ok' } });
    // The router still serves what does not need users; /health says what is missing.
    expect(await probe(router.url, '/ready')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await probe(router.url, '/health')).toEqual({
      status: 503,
      body: { status: 'degraded', subgraphs: { users: 'unavailable' } },
    });
  });
});
