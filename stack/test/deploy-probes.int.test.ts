import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { printSubgraphSchema } from '@apollo/subgraph';
import { composeSupergraph } from '@shop/composition';
import { createLogger } from '@shop/platform';
import { loadRouterConfig, startRouter, type RunningRouter } from '@shop/router';
import { prepareTestDatabase, TEST_IDENTITY_SECRET } from '@shop/testing';
import { buildUsersSchema, loadUsersConfig, startUsersSubgraph } from '@shop/users';

/**
 * The probes the Kubernetes manifests (deploy/k8s) point at: /live says the
 * process answers, /ready says it can serve — a subgraph when its database
 * answers, the router while it serves (not once it stops), whatever its
 * subgraphs do: /health reports them.
 */

interface DatabaseRelay {
  /** The database URL with its host and port replaced by the relay's. */
  url: string;
  /** Drops every connection and refuses new ones, as a database that went away. */
  cut(): Promise<void>;
}

/** A TCP relay in front of the test database, so the test can take the database away. */
async function relayTo(databaseUrl: string): Promise<DatabaseRelay> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const relayed = new URL(databaseUrl);
  relayed.hostname = '127.0.0.1';
  relayed.port = String((server.address() as AddressInfo).port);
  return {
    url: relayed.toString(),
    async cut() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

async function probe(base: string, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(new URL(path, base));
  return { status: response.status, body: await response.json() };
}

describe('liveness and readiness probes of a subgraph and the router', () => {
  let relay: DatabaseRelay;
  let users: Awaited<ReturnType<typeof startUsersSubgraph>>;
  let router: RunningRouter;

  beforeAll(async () => {
    relay = await relayTo(await prepareTestDatabase('users'));
    users = await startUsersSubgraph(
      loadUsersConfig({
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        USERS_PORT: '0',
        DATABASE_URL_USERS: relay.url,
        DATABASE_POOL_SIZE: '2',
        IDENTITY_SECRET: TEST_IDENTITY_SECRET,
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
    await relay.cut();

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
