import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { freePort } from '@shop/platform';
import { eventually } from '@shop/testing';

const ROUTER_MAIN = path.resolve(__dirname, '../dist/main.js');

const planetsTypeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Query { planets: [Planet!]! }
  type Planet @key(fields: "id") { id: ID! name: String! }
`);
const moonsTypeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Planet @key(fields: "id") { id: ID! moons: Int! }
`);

async function subgraph(typeDefs: typeof planetsTypeDefs, resolvers: object) {
  const server = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs, resolvers: resolvers as never }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { server, url };
}

describe('the standalone router process: SUPERGRAPH_PATH=<file> PORT=<n> node router/dist/main.js', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'standalone-router-'));
  const servers: ApolloServer[] = [];
  let router: ChildProcess;
  let url: string;

  beforeAll(async () => {
    const planets = await subgraph(planetsTypeDefs, {
      Query: { planets: () => [{ id: 'earth', name: 'Earth' }] },
    });
    const moons = await subgraph(moonsTypeDefs, {
      Planet: { __resolveReference: ({ id }: { id: string }) => ({ id, moons: 1 }) },
    });
    servers.push(planets.server, moons.server);
    const composed = composeServices([
      { name: 'planets', url: planets.url, typeDefs: planetsTypeDefs },
      { name: 'moons', url: moons.url, typeDefs: moonsTypeDefs },
    ]);
    if (composed.errors) throw composed.errors[0];
    const supergraphPath = path.join(dir, 'supergraph.graphql');
    writeFileSync(supergraphPath, composed.supergraphSdl);
    const port = await freePort();
    url = `http://127.0.0.1:${port}/graphql`;
    router = spawn(process.execPath, [ROUTER_MAIN], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        SUPERGRAPH_PATH: supergraphPath,
        PORT: String(port),
      },
      stdio: 'ignore',
    });
  });

  afterAll(async () => {
    if (router.exitCode === null) router.kill('SIGKILL');
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a supergraph it has never seen once its port answers, and stops cleanly on SIGTERM', async () => {
    const answer = await eventually(async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ planets { name moons } }' }),
      });
      return (await response.json()) as unknown;
    }, 20_000);
    expect(answer).toEqual({ data: { planets: [{ name: 'Earth', moons: 1 }] } });

    const exited = once(router, 'exit');
    router.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  }, 30_000);
});
