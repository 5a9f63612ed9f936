import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import Redis from 'ioredis';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import {
  descendantsOf,
  eventually,
  isRunning,
  sampleOf,
  TEST_REDIS_URL,
  wsClient,
} from '@shop/testing';

const ROUTER_MAIN = path.resolve(__dirname, '../dist/main.js');
const WORKERS = 2;
const FEDERATION = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])`;

const planetsV1 = parse(`${FEDERATION}
  type Query { planets: [Planet!]! slowPlanet: Planet }
  type Planet @key(fields: "id") { id: ID! name: String! }`);
/** The same subgraph once it also serves `moonCount`: the supergraph the reload test writes. */
const planetsV2 = parse(`${FEDERATION}
  type Query { planets: [Planet!]! slowPlanet: Planet moonCount: Int! }
  type Planet @key(fields: "id") { id: ID! name: String! }`);
const tickerTypeDefs = parse(`${FEDERATION}
  type Query { ticker: String }
  type Subscription { ticks: Int! }`);

/** A graphql-ws subgraph whose `ticks` counts 1, 2, 3 … every 50 ms for each upstream subscription; /health answers. */
async function startTicker(): Promise<{ url: string; stop(): Promise<void> }> {
  const http: Server = createServer((req, res) =>
    res.writeHead(req.url === '/health' ? 200 : 404).end(),
  );
  const wss = new WebSocketServer({ server: http, path: '/graphql' });
  useServer(
    {
      schema: buildSubgraphSchema({
        typeDefs: tickerTypeDefs,
        resolvers: {
          Subscription: {
            ticks: {
              subscribe: async function* () {
                for (let tick = 1; ; tick++) {
                  await delay(50);
                  yield { ticks: tick };
                }
              },
            },
          },
        } as never,
      }),
    },
    wss,
  );
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`,
    async stop() {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** POSTs a query on a connection of its own, so the primary hands each to the next worker. */
function postOnNewConnection(
  url: string,
  query: string,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ query }));
  });
}

interface ForkedRouter {
  process: ChildProcess;
  url: string;
  /** The log lines with this message so far, the primary's and every worker's. */
  logged(msg: string): Record<string, unknown>[];
  /** SIGKILL to the primary and every worker still running. */
  kill(): void;
}

/** `node router/dist/main.js` with ROUTER_WORKERS=WORKERS, once the primary says every worker serves. */
async function startForkedRouter(env: Record<string, string>): Promise<ForkedRouter> {
  const child = spawn(process.execPath, [ROUTER_MAIN], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      PORT: '0',
      ROUTER_WORKERS: String(WORKERS),
      STOREFRONT_DIR: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not a log line
    }
  });
  const logged = (msg: string) => lines.filter((line) => line.msg === msg);
  const kill = () => {
    for (const pid of [child.pid!, ...descendantsOf(child.pid!)]) {
      if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
  };
  try {
    const listening = await eventually(() => {
      const [line] = logged('router listening with its workers');
      expect(typeof line?.url).toBe('string');
      return line!;
    }, 60_000);
    return { process: child, url: listening.url as string, logged, kill };
  } catch (error) {
    kill();
    throw error;
  }
}

describe(`ROUTER_WORKERS=${WORKERS}: one port served by forks of the router process`, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'router-workers-'));
  const supergraphPath = path.join(dir, 'supergraph.graphql');
  const servers: { stop(): Promise<unknown> }[] = [];
  let planetsUrl: string;
  let tickerUrl: string;
  let releaseSlowPlanet: () => void = () => undefined;
  let slowPlanetAsked = 0;
  let forked: ForkedRouter;
  let router: ChildProcess;
  let url: string;

  const compose = (planets: typeof planetsV1) => {
    const composed = composeServices([
      { name: 'planets', url: planetsUrl, typeDefs: planets },
      { name: 'ticker', url: tickerUrl, typeDefs: tickerTypeDefs },
    ]);
    if (composed.errors) throw composed.errors[0];
    return composed.supergraphSdl;
  };
  const metrics = async () => (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
  const logged = (msg: string) => forked.logged(msg);
  const workerPids = () => descendantsOf(router.pid!).filter(isRunning);

  beforeAll(async () => {
    const planets = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs: planetsV2,
        resolvers: {
          Query: {
            planets: () => [{ id: 'earth', name: 'Earth' }],
            moonCount: () => 1,
            slowPlanet: async () => {
              slowPlanetAsked++;
              await new Promise<void>((resolve) => (releaseSlowPlanet = resolve));
              return { id: 'mars', name: 'Mars' };
            },
          },
        } as never,
      }),
      plugins: [ApolloServerPluginInlineTraceDisabled()],
    });
    planetsUrl = (await startStandaloneServer(planets, { listen: { port: 0, host: '127.0.0.1' } }))
      .url;
    servers.push(planets);
    const ticker = await startTicker();
    tickerUrl = ticker.url;
    servers.push(ticker);
    writeFileSync(supergraphPath, compose(planetsV1));

    // No Redis here: forks are refused while a per-client limit would live in each worker.
    forked = await startForkedRouter({
      SUPERGRAPH_PATH: supergraphPath,
      RATE_LIMIT_PER_SECOND: '0',
      LOGIN_MUTATIONS: '',
    });
    router = forked.process;
    url = forked.url;
  }, 90_000);

  afterAll(async () => {
    forked?.kill();
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves every connection from one of its workers, and /metrics sums them all', async () => {
    expect(workerPids()).toHaveLength(WORKERS);
    for (let i = 0; i < 20; i++) {
      const answer = await postOnNewConnection(url, 'query Planets { planets { name } }');
      expect(answer).toEqual({ status: 200, body: { data: { planets: [{ name: 'Earth' }] } } });
    }
    const text = await metrics();
    // One worker alone would count about half: the primary hands connections out in turn.
    expect(
      sampleOf(text, 'graphql_request_duration_seconds_count', { operation_name: 'Planets' }),
    ).toBe(20);
    expect(sampleOf(text, 'router_supergraph_info')).toBe(WORKERS);
  });

  it('answers liveness, readiness and health from whichever worker is asked', async () => {
    for (let i = 0; i < 4; i++) {
      for (const probe of ['/live', '/ready']) {
        const response = await fetch(url.replace(/\/graphql$/, probe));
        expect([probe, response.status]).toEqual([probe, 200]);
      }
      // The planets subgraph (Apollo's standalone server) has no /health: reported as such.
      const health = await fetch(url.replace(/\/graphql$/, '/health'));
      expect([health.status, await health.json()]).toEqual([
        503,
        { status: 'degraded', subgraphs: { planets: 'unavailable', ticker: 'ok' } },
      ]);
    }
  });

  it('keeps each subscription in the worker holding its connection, over graphql-ws and multipart', async () => {
    const clients = [wsClient(url), wsClient(url)];
    try {
      const subscriptions = clients.map((client) => client.subscribe('subscription { ticks }'));
      for (const subscription of subscriptions) {
        // Clients of one worker share its upstream subscription: they join it where it stands.
        const [first, ...next] = await subscription.take(3);
        const start = (first?.data as { ticks: number }).ticks;
        expect(next).toEqual([start + 1, start + 2].map((ticks) => ({ data: { ticks } })));
      }
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }

    const abort = new AbortController();
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0",application/json',
      },
      body: JSON.stringify({ query: 'subscription { ticks }' }),
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let received = '';
    try {
      await eventually(async () => {
        received += new TextDecoder().decode((await reader.read()).value);
        const events = received.match(/\{"payload":\{"data":\{"ticks":\d+\}\}\}/g) ?? [];
        expect(events.length).toBeGreaterThanOrEqual(2);
      });
    } finally {
      abort.abort();
    }
  });

  it('takes a new supergraph in every worker', async () => {
    writeFileSync(supergraphPath, compose(planetsV2));
    await eventually(async () => {
      const text = await metrics();
      expect(sampleOf(text, 'router_supergraph_reloads_total', { outcome: 'applied' })).toBe(
        WORKERS,
      );
    }, 20_000);
    for (let i = 0; i < 6; i++) {
      const answer = await postOnNewConnection(url, '{ moonCount }');
      expect(answer.body).toEqual({ data: { moonCount: 1 } });
    }
  });

  it('replaces a worker that dies, and logs it', async () => {
    const [victim, survivor] = workerPids();
    process.kill(victim!, 'SIGKILL');
    await eventually(() => {
      expect(logged('router worker died; starting another')).toHaveLength(1);
      expect(logged('router worker replaced')).toHaveLength(1);
    }, 30_000);
    const workers = workerPids();
    expect(workers).toHaveLength(WORKERS);
    expect(workers).toContain(survivor);
    expect(workers).not.toContain(victim);
    for (let i = 0; i < 4; i++) {
      expect((await postOnNewConnection(url, '{ planets { name } }')).status).toBe(200);
    }
  }, 40_000);

  it('replaces every worker when all die at once, on the same port', async () => {
    const victims = workerPids();
    const died = logged('router worker died; starting another').length;
    const replaced = logged('router worker replaced').length;
    for (const pid of victims) process.kill(pid, 'SIGKILL');
    await eventually(() => {
      expect(logged('router worker died; starting another')).toHaveLength(died + WORKERS);
      expect(logged('router worker replaced')).toHaveLength(replaced + WORKERS);
    }, 30_000);
    expect(workerPids().filter((pid) => victims.includes(pid))).toEqual([]);
    expect(workerPids()).toHaveLength(WORKERS);
    expect((await postOnNewConnection(url, '{ planets { name } }')).status).toBe(200);
  }, 40_000);

  it('on SIGTERM, stops every worker once its requests are answered, then exits 0', async () => {
    const workers = workerPids();
    const slow = postOnNewConnection(url, '{ slowPlanet { name } }');
    await eventually(() => expect(slowPlanetAsked).toBe(1));
    const exited = once(router, 'exit');
    router.kill('SIGTERM');
    await eventually(() => expect(logged('shutting down')).toHaveLength(1 + WORKERS));
    // The worker holding the request waits for it: nobody has exited yet.
    expect(router.exitCode).toBeNull();
    releaseSlowPlanet();
    expect(await slow).toEqual({ status: 200, body: { data: { slowPlanet: { name: 'Mars' } } } });
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    expect(workers.filter(isRunning)).toEqual([]);
  }, 30_000);
  it('shares one rate-limit bucket per client among its workers, in Redis', async () => {
    const keyPrefix = `test-${randomUUID()}:`;
    const limited = await startForkedRouter({
      SUPERGRAPH_PATH: supergraphPath,
      REDIS_URL: TEST_REDIS_URL,
      EVENT_STREAM_PREFIX: keyPrefix,
      // A burst of 4, then one more every 100 s: nothing refills during the test.
      RATE_LIMIT_PER_SECOND: '0.01',
      RATE_LIMIT_BURST: '4',
    });
    try {
      const statuses: number[] = [];
      // Each on a connection of its own: the primary hands them to both workers in turn.
      for (let i = 0; i < 12; i++) {
        statuses.push((await postOnNewConnection(limited.url, '{ planets { name } }')).status);
      }
      // A bucket in each worker would have let 8 through.
      expect(statuses.filter((status) => status === 200)).toHaveLength(4);
      expect(statuses.filter((status) => status === 429)).toHaveLength(8);
    } finally {
      limited.kill();
      const redis = new Redis(TEST_REDIS_URL);
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  }, 90_000);
});
