import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@shop/stack';
import { freePort } from '@shop/platform';
import {
  eventually,
  prepareTestDatabase,
  TEST_IDENTITY_SECRET,
  testEventsDatabaseUrl,
} from '@shop/testing';

/**
 * A service started as production starts it (its built main.js), with one
 * thing pointing nowhere: what it prints must name the variable and the
 * problem once, and it either serves without what is missing or exits
 * non-zero with one line.
 */
function runService(script: string, env: Record<string, string>) {
  const entry = path.join(REPO_ROOT, script);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
  const child = spawn(process.execPath, [entry], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      IDENTITY_SECRET: TEST_IDENTITY_SECRET,
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    output: () => ({ stdout, stderr }),
    /** The JSON log lines at `level` whose text matches. */
    lines: (level: string, pattern: RegExp) =>
      stdout
        .split('\n')
        .filter((line) => line.includes(`"level":"${level}"`) && pattern.test(line)),
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A port nothing listens on. */
const closedPort = () => freePort();

describe('start-up problems name their variable once', () => {
  it('a subgraph whose database does not answer exits 1 with one line naming it', async () => {
    const port = await closedPort();
    const service = runService('subgraphs/products/dist/main.js', {
      PRODUCTS_PORT: '0',
      DATABASE_URL_PRODUCTS: `postgresql://postgres:secret@127.0.0.1:${port}/shop?schema=products`,
      EVENTS_DATABASE_URL: testEventsDatabaseUrl(),
    });
    expect(await service.exited).toBe(1);
    const { stderr } = service.output();
    expect(stderr.trim().split('\n')).toEqual([
      `products: the products subgraph cannot reach its database at DATABASE_URL_PRODUCTS (postgresql://postgres:***@127.0.0.1:${port}/shop?schema=products): nothing listens there; is the PostgreSQL server running?`,
    ]);
  });

  it.each([
    ['a MySQL URL', 'mysql://root@127.0.0.1:3306/shop?schema=products', /must be a postgres/],
    ['no ?schema=', 'postgresql://postgres@127.0.0.1:5432/shop', /names no \?schema=/],
  ])('a subgraph given %s refuses to start, naming the variable', async (_case, url, problem) => {
    const service = runService('subgraphs/products/dist/main.js', {
      PRODUCTS_PORT: '0',
      DATABASE_URL_PRODUCTS: url,
      EVENTS_DATABASE_URL: testEventsDatabaseUrl(),
    });
    expect(await service.exited).toBe(1);
    const { stderr } = service.output();
    expect(stderr).toMatch(/^products: Invalid configuration:\n {2}DATABASE_URL_PRODUCTS: /);
    expect(stderr).toMatch(problem);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('a subgraph and the router with REDIS_URL pointing at nothing serve, and say so once', async () => {
    const redisUrl = `redis://127.0.0.1:${await closedPort()}`;
    const subgraph = runService('subgraphs/products/dist/main.js', {
      LOG_LEVEL: 'debug',
      PRODUCTS_PORT: '0',
      DATABASE_URL_PRODUCTS: await prepareTestDatabase('products'),
      REDIS_URL: redisUrl,
    });
    const router = runService('router/dist/main.js', {
      LOG_LEVEL: 'debug',
      PORT: String(await freePort()),
      SUPERGRAPH_PATH: path.join(REPO_ROOT, 'supergraph.graphql'),
      REDIS_URL: redisUrl,
    });
    try {
      for (const [service, serving] of [
        [subgraph, /subgraph listening/],
        [router, /router listening/],
      ] as const) {
        await eventually(() => expect(service.lines('info', serving)).toHaveLength(1), 60_000);
        // Redis is tried again and again (debug lines) while the error is said once.
        await eventually(
          () =>
            expect(service.lines('debug', /Redis still does not answer/).length).toBeGreaterThan(3),
          60_000,
        );
        const said = service.lines('error', /REDIS_URL/);
        expect(said).toHaveLength(1);
        expect(said[0]).toContain(`REDIS_URL (${redisUrl}) does not answer`);
        expect(service.output().stderr).not.toContain('Unhandled error event');
      }
      // The router serves what needs no subgraph.
      const port = /"url":"http:\/\/127\.0\.0\.1:(\d+)\/graphql"/.exec(
        router.lines('info', /router listening/)[0]!,
      )![1];
      const answer = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(await answer.json()).toEqual({ data: { __typename: 'Query' } });
    } finally {
      // Both stop cleanly with Redis still away (a consumer's stop once hung on it).
      expect(await Promise.all([subgraph.stop(), router.stop()])).toEqual([0, 0]);
    }
  }, 120_000);
});
