import { EventEmitter, on } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode, type FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import WebSocket, { WebSocketServer } from 'ws';
import { createLogger } from '@shop/platform';
import { eventually } from '@shop/testing';
import { loadRouterConfig, startRouter, type RunningRouter } from '@shop/router';
import { supergraphSource } from '../src/supergraph/supergraph-source';
import { startTestSubgraph, type TestSubgraph } from './support/federated-fixture';

const FEDERATION = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])`;

// The catalog serves what both supergraphs ask of it; the second one adds Product.price.
const catalogV1 = parse(`${FEDERATION}
  type Query { product(id: ID!): Product }
  type Product @key(fields: "id") { id: ID! name: String! }`);
const catalogV2 = parse(`${FEDERATION}
  type Query { product(id: ID!): Product }
  type Product @key(fields: "id") { id: ID! name: String! price: Int! }`);
// The ticker serves both subscriptions; the second supergraph no longer has `flashes`.
const tickerV1 = parse(`${FEDERATION}
  type Query { ping: String }
  type Subscription { ticks: Tick! flashes: Tick! }
  type Tick { price: Int! product: Product! }
  type Product @key(fields: "id") { id: ID! }`);
const tickerV2 = parse(`${FEDERATION}
  type Query { ping: String }
  type Subscription { ticks: Tick! }
  type Tick { price: Int! product: Product! }
  type Product @key(fields: "id") { id: ID! }`);

/** Serves subscriptions over graphql-ws on its /graphql, each fed by `publish`. */
class TickerSubgraph {
  private readonly events = new EventEmitter();
  private readonly http: Server = createServer((_req, res) => res.writeHead(404).end());
  private readonly wss = new WebSocketServer({ server: this.http, path: '/graphql' });
  url = '';

  constructor() {
    const stream = (topic: string): AsyncIterableIterator<unknown> => {
      const source = on(this.events, topic) as AsyncIterableIterator<[number]>;
      const iterator: AsyncIterableIterator<unknown> = {
        next: async () => {
          const { value, done } = await source.next();
          return done
            ? { value: undefined, done }
            : { value: { price: value[0], product: { id: 'p1' } }, done };
        },
        return: async () => {
          await source.return?.();
          return { value: undefined, done: true };
        },
        [Symbol.asyncIterator]: () => iterator,
      };
      return iterator;
    };
    const field = (topic: string) => ({
      subscribe: () => stream(topic),
      resolve: (tick: unknown) => tick,
    });
    useServer(
      {
        schema: buildSubgraphSchema({
          typeDefs: tickerV1,
          resolvers: {
            Subscription: { ticks: field('ticks'), flashes: field('flashes') },
          } as never,
        }),
      },
      this.wss,
    );
  }

  listeners(topic: string): number {
    return this.events.listenerCount(topic);
  }

  publish(topic: string, price: number): void {
    this.events.emit(topic, price);
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}/graphql`;
  }

  async stop(): Promise<void> {
    for (const socket of this.wss.clients) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

interface Collected {
  results: FormattedExecutionResult[];
  errors: unknown[];
  completed: boolean;
}

function subscribe(client: Client, query: string): Collected {
  const collected: Collected = { results: [], errors: [], completed: false };
  client.subscribe(
    { query },
    {
      next: (result) => collected.results.push(result as FormattedExecutionResult),
      error: (error) => collected.errors.push(error),
      complete: () => {
        collected.completed = true;
      },
    },
  );
  return collected;
}

const PRODUCT = '{ product(id: "p1") { id name } }';
// Two busy cores: 50 connections, three supergraph builds.
jest.setTimeout(120_000);
const TICK_SELECTION = '{ price product { id name } }';

describe('supergraph hot reload: a new supergraph file is validated and swapped in while serving', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'supergraph-reload-'));
  const supergraphPath = path.join(dir, 'supergraph.graphql');
  const ticker = new TickerSubgraph();
  const logLines: Record<string, unknown>[] = [];
  let catalog: TestSubgraph;
  let router: RunningRouter;
  let client: Client;

  const compose = (
    typeDefs: { catalog: DocumentNode; ticker: DocumentNode },
    catalogUrl?: string,
  ) => {
    const composed = composeServices([
      { name: 'catalog', url: catalogUrl ?? catalog.url, typeDefs: typeDefs.catalog },
      { name: 'ticker', url: ticker.url, typeDefs: typeDefs.ticker },
    ]);
    if (composed.errors) throw composed.errors[0];
    return composed.supergraphSdl;
  };

  const query = async (text: string) => {
    const response = await fetch(router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: text }),
    });
    return { status: response.status, body: (await response.json()) as FormattedExecutionResult };
  };

  const metrics = async () => (await fetch(router.url.replace('/graphql', '/metrics'))).text();
  const servedHash = async () =>
    /router_supergraph_info\{hash="([0-9a-f]+)"[^}]*\} 1/.exec(await metrics())?.[1];
  const reloads = async (outcome: 'applied' | 'refused') =>
    Number(
      new RegExp(`router_supergraph_reloads_total\\{outcome="${outcome}"[^}]*\\} (\\d+)`).exec(
        await metrics(),
      )?.[1],
    );
  const refusalLines = () =>
    logLines.filter((line) => line.msg === 'supergraph refused; the current one keeps serving');

  beforeAll(async () => {
    await ticker.start();
    catalog = await startTestSubgraph('catalog', catalogV2, {
      Query: { product: (_: unknown, { id }: { id: string }) => ({ id }) },
      Product: {
        __resolveReference: ({ id }: { id: string }) => ({ id }),
        name: ({ id }: { id: string }) => `Product ${id}`,
        price: () => 42,
      },
    });
    const supergraphSdl = compose({ catalog: catalogV1, ticker: tickerV1 });
    writeFileSync(supergraphPath, supergraphSdl);
    const config = loadRouterConfig({
      PORT: '0',
      NODE_ENV: 'test',
      IDENTITY_SECRET: 'supergraph-reload-identity-secret-0123456789',
      RATE_LIMIT_PER_SECOND: '0',
      ENTITY_CACHE: 'false',
      SUPERGRAPH_PATH: supergraphPath,
      SUPERGRAPH_POLL_INTERVAL_MS: '1000',
    });
    const source = supergraphSource(config.supergraph);
    router = await startRouter(
      config,
      await source.read(),
      createLogger('router', 'info', {
        write: (line) => logLines.push(JSON.parse(line) as Record<string, unknown>),
      }),
      { supergraphSource: source },
    );
    client = createClient({
      url: router.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
    });
  });

  afterAll(async () => {
    await client.dispose();
    await router.stop();
    await catalog.stop();
    await ticker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('swaps under 50 connections without one failed request; subscriptions carry on or end naming the removed field', async () => {
    const firstHash = await servedHash();
    expect(firstHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await query('{ product(id: "p1") { price } }')).body.errors?.[0]?.message).toMatch(
      /Cannot query field "price"/,
    );

    const ticks = subscribe(client, `subscription ${TICK_SELECTION.replace('{', '{ ticks {')} }`);
    const flashes = subscribe(client, `subscription { flashes ${TICK_SELECTION} }`);
    await eventually(() => {
      expect(ticker.listeners('ticks')).toBe(1);
      expect(ticker.listeners('flashes')).toBe(1);
    });

    // 50 connections, each asking again as soon as it is answered, until told to stop.
    const failures: unknown[] = [];
    let answered = 0;
    let answeredAfterSwap = 0;
    let swapped = false;
    let running = true;
    const loops = Array.from({ length: 50 }, async () => {
      while (running) {
        try {
          const { status, body } = await query(PRODUCT);
          if (status !== 200 || body.errors || body.data?.product === undefined) {
            failures.push({ status, body });
          }
        } catch (error) {
          failures.push(error);
        }
        answered++;
        if (swapped) answeredAfterSwap++;
      }
    });
    try {
      await eventually(() => expect(answered).toBeGreaterThan(200), 30_000);
      writeFileSync(supergraphPath, compose({ catalog: catalogV2, ticker: tickerV2 }));
      await eventually(async () => expect(await servedHash()).not.toBe(firstHash), 30_000);
      swapped = true;
      await eventually(() => expect(answeredAfterSwap).toBeGreaterThan(200), 30_000);
    } finally {
      running = false;
      await Promise.all(loops);
    }
    expect(failures).toEqual([]);
    expect(await reloads('applied')).toBe(1);

    // The new field is served; the subscription of the removed one ended, naming it.
    expect((await query('{ product(id: "p1") { price } }')).body).toEqual({
      data: { product: { price: 42 } },
    });
    await eventually(() => expect(flashes.completed || flashes.errors.length > 0).toBe(true));
    const ending = [...flashes.results.flatMap((result) => result.errors ?? []), ...flashes.errors];
    expect(JSON.stringify(ending)).toMatch(
      /Cannot query field \\"flashes\\" on type \\"Subscription\\"/,
    );
    expect(JSON.stringify(ending)).toMatch(/SUPERGRAPH_CHANGED/);
    await eventually(() => expect(ticker.listeners('flashes')).toBe(0));

    // The other carries on, its events completed on the new supergraph.
    expect(ticks.completed).toBe(false);
    ticker.publish('ticks', 7);
    await eventually(() =>
      expect(ticks.results).toContainEqual({
        data: { ticks: { price: 7, product: { id: 'p1', name: 'Product p1' } } },
      }),
    );
  });

  it('refuses a broken supergraph with one log line, and the one in use keeps serving', async () => {
    const hash = await servedHash();
    const refusedBefore = await reloads('refused');
    // Emptied first, as a rewrite in place leaves it for a moment: neither served nor refused.
    writeFileSync(supergraphPath, '');
    router.reload!.check();
    await router.reload!.settled();
    expect(await reloads('refused')).toBe(refusedBefore);
    expect(await servedHash()).toBe(hash);
    writeFileSync(supergraphPath, 'this is { not a supergraph');
    await eventually(async () => expect(await reloads('refused')).toBe(refusedBefore + 1), 30_000);
    // Looked at again (as every poll does): the same broken text is not refused twice.
    router.reload!.check();
    await router.reload!.settled();
    expect(await reloads('refused')).toBe(refusedBefore + 1);
    expect(refusalLines()).toHaveLength(1);
    // That line is all a refusal writes: nothing else warns or errs.
    expect(logLines.filter((line) => line.level === 'warn' || line.level === 'error')).toEqual(
      refusalLines(),
    );
    expect(refusalLines()[0]).toMatchObject({
      level: 'error',
      reason: expect.stringMatching(/Syntax Error/),
      servingHash: hash,
      location: supergraphPath,
    });
    expect(await servedHash()).toBe(hash);
    expect((await query('{ product(id: "p1") { name price } }')).body).toEqual({
      data: { product: { name: 'Product p1', price: 42 } },
    });
  });

  it('refuses a supergraph with a subgraph it cannot route to', async () => {
    const hash = await servedHash();
    const refusedBefore = await reloads('refused');
    writeFileSync(supergraphPath, compose({ catalog: catalogV1, ticker: tickerV2 }, ''));
    await eventually(async () => expect(await reloads('refused')).toBe(refusedBefore + 1), 30_000);
    expect(refusalLines().at(-1)).toMatchObject({
      reason: expect.stringMatching(/Subgraph catalog has no URL/),
    });
    expect(await servedHash()).toBe(hash);
    expect((await query('{ product(id: "p1") { price } }')).body).toEqual({
      data: { product: { price: 42 } },
    });
  });

  it('follows a supergraph served at SUPERGRAPH_URL, and says once that it cannot be fetched', async () => {
    let served: { status: number; text: string } = {
      status: 200,
      text: compose({ catalog: catalogV1, ticker: tickerV2 }),
    };
    const registry = createServer((_req, res) => res.writeHead(served.status).end(served.text));
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    const config = loadRouterConfig({
      PORT: '0',
      NODE_ENV: 'test',
      IDENTITY_SECRET: 'supergraph-reload-identity-secret-0123456789',
      RATE_LIMIT_PER_SECOND: '0',
      SUPERGRAPH_URL: `http://127.0.0.1:${(registry.address() as AddressInfo).port}/supergraph`,
      SUPERGRAPH_POLL_INTERVAL_MS: '200',
    });
    const lines: Record<string, unknown>[] = [];
    const source = supergraphSource(config.supergraph);
    const polled = await startRouter(
      config,
      await source.read(),
      createLogger('router', 'info', {
        write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
      }),
      { supergraphSource: source },
    );
    const ask = async (text: string) =>
      (await fetch(polled.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: text }),
      }).then((response) => response.json())) as FormattedExecutionResult;
    try {
      const first = polled.supergraph.current.hash;
      served = { status: 200, text: compose({ catalog: catalogV2, ticker: tickerV2 }) };
      await eventually(() => expect(polled.supergraph.current.hash).not.toBe(first), 30_000);
      expect(await ask('{ product(id: "p1") { price } }')).toEqual({
        data: { product: { price: 42 } },
      });

      served = { status: 503, text: 'unavailable' };
      const refusals = () => lines.filter((line) => line.level === 'error');
      await eventually(() => expect(refusals()).toHaveLength(1), 30_000);
      polled.reload!.check();
      await polled.reload!.settled();
      expect(refusals()).toHaveLength(1);
      expect(refusals()[0]?.reason).toMatch(/could not read the supergraph: .* answered 503/);
      expect(await ask('{ product(id: "p1") { price } }')).toEqual({
        data: { product: { price: 42 } },
      });
    } finally {
      await polled.stop();
      await new Promise<void>((resolve) => registry.close(() => resolve()));
    }
  });
});
