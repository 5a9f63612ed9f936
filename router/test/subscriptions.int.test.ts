import { EventEmitter, on } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { parse, type FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import WebSocket, { WebSocketServer } from 'ws';
import {
  createAccessTokenIssuer,
  developmentKeyPair,
  IDENTITY_HEADER,
  identityKeyFor,
  verifyIdentity,
  type Identity,
} from '@shop/identity';
import { createLogger } from '@shop/platform';
import { eventually } from '@shop/testing';
import { loadRouterConfig, startRouter, type RunningRouter } from '@shop/router';

const IDENTITY_SECRET = 'subscriptions-test-identity-secret-0123456789';
const FEDERATION = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@authenticated", "@requiresScopes"])`;

const tickerTypeDefs = parse(`
  ${FEDERATION}
  type Query { ping: String }
  type Subscription {
    ticks(symbol: String!): Tick!
    privateTicks: Tick! @authenticated
    adminTicks: Tick! @requiresScopes(scopes: [["admin"]])
  }
  type Tick { price: Int! stock: Stock! }
  type Stock @key(fields: "symbol") { symbol: String! }
`);

const stocksTypeDefs = parse(`
  ${FEDERATION}
  type Query { stock(symbol: String!): Stock }
  type Stock @key(fields: "symbol") { symbol: String! name: String! }
`);

const NAMES: Record<string, string> = { ACME: 'Acme Corporation', INIT: 'Initech' };

/**
 * A subgraph that serves subscriptions over graphql-ws on its own /graphql,
 * fed by `publish`; it records the identity each connection presented.
 */
class TickerSubgraph {
  readonly identities: Identity[] = [];
  private readonly ticks = new EventEmitter();
  private readonly http: Server = createServer((_req, res) => res.writeHead(404).end());
  private readonly wss = new WebSocketServer({ server: this.http, path: '/graphql' });
  url = '';

  constructor() {
    this.ticks.setMaxListeners(0);
    // Not an async generator: a generator awaiting its source cannot be returned
    // until the next event, so an unsubscribe would linger; `on()`'s iterator can.
    const stream = (symbol: string): AsyncIterableIterator<unknown> => {
      const source = on(this.ticks, symbol) as AsyncIterableIterator<[{ price: number }]>;
      const iterator: AsyncIterableIterator<unknown> = {
        next: async () => {
          const { value, done } = await source.next();
          return done
            ? { value: undefined, done }
            : { value: { price: value[0].price, stock: { symbol } }, done };
        },
        return: async () => {
          await source.return?.();
          return { value: undefined, done: true };
        },
        [Symbol.asyncIterator]: () => iterator,
      };
      return iterator;
    };
    useServer(
      {
        schema: buildSubgraphSchema({
          typeDefs: tickerTypeDefs,
          resolvers: {
            Subscription: {
              ticks: {
                subscribe: (_: unknown, { symbol }: { symbol: string }) => stream(symbol),
                resolve: (tick: unknown) => tick,
              },
              privateTicks: {
                subscribe: () => stream('PRIVATE'),
                resolve: (tick: unknown) => tick,
              },
              adminTicks: { subscribe: () => stream('ADMIN'), resolve: (tick: unknown) => tick },
            },
          } as never,
        }),
        onConnect: (ctx) => {
          const signed = ctx.connectionParams?.[IDENTITY_HEADER];
          try {
            this.identities.push(
              verifyIdentity(signed as string, identityKeyFor(IDENTITY_SECRET, 'ticker')),
            );
            return true;
          } catch {
            return false;
          }
        },
      },
      this.wss,
    );
  }

  /** Sockets the router holds open to this subgraph. */
  get connections(): number {
    return this.wss.clients.size;
  }

  /** Subscriptions listening for a symbol right now. */
  listeners(symbol: string): number {
    return this.ticks.listenerCount(symbol);
  }

  publish(symbol: string, price: number): void {
    this.ticks.emit(symbol, { price });
  }

  /** Drops every connection, as a crashing subgraph does. */
  dropConnections(): void {
    for (const socket of this.wss.clients) socket.terminate();
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}/graphql`;
  }

  async stop(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

/** A graphql-ws client of the router that collects what one subscription receives. */
interface Collected {
  results: FormattedExecutionResult[];
  errors: unknown[];
  completed: boolean;
  unsubscribe: () => void;
}

function subscribe(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const collected: Collected = { results: [], errors: [], completed: false, unsubscribe: () => {} };
  collected.unsubscribe = client.subscribe(
    { query, variables },
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

const TICKS = `subscription($symbol: String!) { ticks(symbol: $symbol) { price stock { symbol name } } }`;

describe('federated subscriptions through the router, on a supergraph it has never seen', () => {
  const ticker = new TickerSubgraph();
  let stocks: ApolloServer;
  let entityFetches = 0;
  let supergraphSdl: string;
  let router: RunningRouter;
  let wsUrl: string;
  const clients: Client[] = [];
  let issue: (role: 'CUSTOMER' | 'ADMIN', ttlSeconds?: number) => Promise<string>;

  const connect = (
    connectionParams: Record<string, unknown> = {},
    onClose?: (code: number) => void,
  ) => {
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: true,
      on: { closed: (event) => onClose?.((event as { code: number }).code) },
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    await ticker.start();
    stocks = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs: stocksTypeDefs,
        resolvers: {
          Stock: {
            __resolveReference: ({ symbol }: { symbol: string }) => ({
              symbol,
              name: NAMES[symbol],
            }),
          },
        } as never,
      }),
      plugins: [
        ApolloServerPluginInlineTraceDisabled(),
        {
          async requestDidStart({ request }) {
            if (request.query?.includes('_entities')) entityFetches++;
          },
        },
      ],
    });
    const { url: stocksUrl } = await startStandaloneServer(stocks, {
      listen: { port: 0, host: '127.0.0.1' },
    });
    const composed = composeServices([
      { name: 'ticker', url: ticker.url, typeDefs: tickerTypeDefs },
      { name: 'stocks', url: stocksUrl, typeDefs: stocksTypeDefs },
    ]);
    if (composed.errors) throw composed.errors[0];
    supergraphSdl = composed.supergraphSdl;
    router = await startRouter(
      loadRouterConfig({ PORT: '0', NODE_ENV: 'test', IDENTITY_SECRET }),
      supergraphSdl,
      createLogger('router', 'silent'),
    );
    wsUrl = router.url.replace(/^http/, 'ws');
    const issuer = await createAccessTokenIssuer(developmentKeyPair().privateKeyPem, {
      issuer: 'shop-users',
      audience: 'shop-supergraph',
      ttlSeconds: 900,
    });
    issue = async (role, ttlSeconds) => {
      const tokens = ttlSeconds
        ? await createAccessTokenIssuer(developmentKeyPair().privateKeyPem, {
            issuer: 'shop-users',
            audience: 'shop-supergraph',
            ttlSeconds,
          })
        : issuer;
      return (await tokens.issue({ id: role === 'ADMIN' ? 'admin-1' : 'user-1', role })).token;
    };
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    await eventually(() => expect(ticker.connections).toBe(0));
  });

  afterAll(async () => {
    await router.stop();
    await stocks.stop();
    await ticker.stop();
  });

  it('delivers every event with the fields other subgraphs own, in order', async () => {
    const sub = subscribe(connect(), TICKS, { symbol: 'ACME' });
    await eventually(() => expect(ticker.listeners('ACME')).toBe(1));
    ticker.publish('ACME', 101);
    ticker.publish('ACME', 102);
    ticker.publish('INIT', 7);
    await eventually(() => expect(sub.results).toHaveLength(2));
    expect(sub.results).toEqual([
      { data: { ticks: { price: 101, stock: { symbol: 'ACME', name: 'Acme Corporation' } } } },
      { data: { ticks: { price: 102, stock: { symbol: 'ACME', name: 'Acme Corporation' } } } },
    ]);
    expect(ticker.identities.at(-1)).toEqual({ kind: 'anonymous' });
  });

  it('shares one upstream subscription and one entity fetch per event among identical subscribers', async () => {
    const client = connect();
    const subs = Array.from({ length: 50 }, () => subscribe(client, TICKS, { symbol: 'INIT' }));
    const other = subscribe(connect(), TICKS, { symbol: 'INIT' });
    await eventually(() => expect(router.subscriptions.hub.subscribers).toBe(51));
    await eventually(() => expect(ticker.listeners('INIT')).toBe(1));
    const before = entityFetches;
    ticker.publish('INIT', 8);
    await eventually(() => {
      for (const sub of [...subs, other]) expect(sub.results).toHaveLength(1);
    });
    expect(other.results[0]).toEqual({
      data: { ticks: { price: 8, stock: { symbol: 'INIT', name: 'Initech' } } },
    });
    expect(entityFetches - before).toBe(1);
  });

  it('closes the upstream subscription when the client unsubscribes, and leaks nothing over 1,000 cycles', async () => {
    const client = connect();
    for (let cycle = 0; cycle < 1_000; cycle++) {
      const sub = subscribe(client, TICKS, { symbol: 'ACME' });
      if (cycle % 10 === 0) await eventually(() => expect(ticker.listeners('ACME')).toBe(1));
      sub.unsubscribe();
    }
    await eventually(() => {
      expect(ticker.listeners('ACME')).toBe(0);
      expect(router.subscriptions.hub.subscribers).toBe(0);
      expect(router.subscriptions.hub.upstreamSubscriptions).toBe(0);
      expect(router.subscriptions.upstream.sockets).toBe(0);
      expect(ticker.connections).toBe(0);
    });
  });

  it('closes the upstream subscription when the client disconnects', async () => {
    const client = connect();
    subscribe(client, TICKS, { symbol: 'ACME' });
    await eventually(() => expect(ticker.listeners('ACME')).toBe(1));
    await client.dispose();
    await eventually(() => {
      expect(ticker.listeners('ACME')).toBe(0);
      expect(router.subscriptions.webSocket.connections).toBe(0);
    });
  });

  it('ends the client subscription with an error naming the subgraph when the subgraph goes away', async () => {
    const sub = subscribe(connect(), TICKS, { symbol: 'ACME' });
    await eventually(() => expect(ticker.listeners('ACME')).toBe(1));
    ticker.dropConnections();
    await eventually(() => expect(sub.completed).toBe(true));
    expect(sub.results.at(-1)?.errors?.[0]?.extensions).toMatchObject({
      code: 'SUBGRAPH_UNAVAILABLE',
      serviceName: 'ticker',
    });
  });

  it('closes with 4403 when connection_init carries an invalid token', async () => {
    const codes: number[] = [];
    const token = await issue('CUSTOMER');
    const sub = subscribe(
      connect({ authorization: `Bearer ${token.slice(0, -4)}AAAA` }, (code) => codes.push(code)),
      TICKS,
      { symbol: 'ACME' },
    );
    await eventually(() => expect(codes).toContain(4403));
    expect(sub.results).toEqual([]);
  });

  it('closes with 4403 when an anonymous connection asks for an @authenticated subscription', async () => {
    const codes: number[] = [];
    subscribe(
      connect({}, (code) => codes.push(code)),
      `subscription { privateTicks { price } }`,
    );
    await eventually(() => expect(codes).toContain(4403));
    expect(ticker.listeners('PRIVATE')).toBe(0);
  });

  it('serves @authenticated to a signed-in caller, forwarding its identity to the subgraph', async () => {
    const token = await issue('CUSTOMER');
    const sub = subscribe(
      connect({ authorization: token }),
      `subscription { privateTicks { price } }`,
    );
    await eventually(() => expect(ticker.listeners('PRIVATE')).toBe(1));
    ticker.publish('PRIVATE', 5);
    await eventually(() => expect(sub.results).toEqual([{ data: { privateTicks: { price: 5 } } }]));
    expect(ticker.identities.at(-1)).toMatchObject({ kind: 'user', userId: 'user-1' });
  });

  it('refuses @requiresScopes to a customer with FORBIDDEN and never asks the subgraph', async () => {
    const token = await issue('CUSTOMER');
    const sub = subscribe(
      connect({ authorization: `Bearer ${token}` }),
      `subscription { adminTicks { price } }`,
    );
    await eventually(() => expect(sub.errors).toHaveLength(1));
    expect(sub.errors[0]).toEqual([expect.objectContaining({ extensions: { code: 'FORBIDDEN' } })]);
    expect(ticker.listeners('ADMIN')).toBe(0);
  });

  it('ends a subscription with UNAUTHENTICATED when its access token expires', async () => {
    const token = await issue('CUSTOMER', 2);
    const sub = subscribe(
      connect({ authorization: token }),
      `subscription { privateTicks { price } }`,
    );
    await eventually(() => expect(ticker.listeners('PRIVATE')).toBe(1));
    await eventually(() => expect(sub.completed).toBe(true), 5_000);
    expect(sub.results.at(-1)?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await eventually(() => expect(ticker.listeners('PRIVATE')).toBe(0));
  });

  it('answers validation errors without opening anything upstream', async () => {
    const sub = subscribe(connect(), `subscription { ticks(symbol: 1) { nope } }`);
    await eventually(() => expect(sub.errors).toHaveLength(1));
    expect(ticker.connections).toBe(0);
  });

  it('runs queries sent over the socket through the gateway', async () => {
    const sub = subscribe(connect(), `{ stock(symbol: "ACME") { name } }`);
    await eventually(() => expect(sub.completed).toBe(true));
    expect(sub.results).toEqual([{ data: { stock: null } }]);
  });

  it('serves subscriptions over multipart HTTP as Apollo Client speaks it', async () => {
    const abort = new AbortController();
    const response = await fetch(router.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0",application/json',
      },
      body: JSON.stringify({ query: TICKS, variables: { symbol: 'ACME' } }),
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('subscriptionSpec="1.0"');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const payloads = () =>
      received
        .split('\r\n--graphql')
        .map((part) => part.split('\r\n\r\n')[1])
        .filter((json): json is string => !!json && json !== '{}')
        .map((json) => JSON.parse(json) as { payload: unknown });
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        received += decoder.decode(value, { stream: true });
      }
    })().catch(() => undefined);
    await eventually(() => expect(ticker.listeners('ACME')).toBe(1));
    ticker.publish('ACME', 120);
    await eventually(() =>
      expect(payloads()).toEqual([
        {
          payload: {
            data: { ticks: { price: 120, stock: { symbol: 'ACME', name: 'Acme Corporation' } } },
          },
        },
      ]),
    );
    abort.abort();
    await reading;
    await eventually(() => expect(ticker.listeners('ACME')).toBe(0));
  });

  it('tells a plain HTTP client where subscriptions are served', async () => {
    const response = await fetch(router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: TICKS, variables: { symbol: 'ACME' } }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: expect.stringContaining('graphql-ws') as string,
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
  });

  it('drains on shutdown: every subscriber gets an error and the upstream closes', async () => {
    const draining = await startRouter(
      loadRouterConfig({ PORT: '0', NODE_ENV: 'test', IDENTITY_SECRET }),
      supergraphSdl,
      createLogger('router', 'silent'),
    );
    const client = createClient({
      url: draining.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    clients.push(client);
    const sub = subscribe(client, TICKS, { symbol: 'INIT' });
    await eventually(() => expect(ticker.listeners('INIT')).toBe(1));
    await draining.stop();
    await eventually(() => expect(sub.completed || sub.errors.length > 0).toBe(true));
    expect(sub.results.at(-1)?.errors?.[0]?.extensions?.code).toBe('SHUTTING_DOWN');
    await eventually(() => expect(ticker.listeners('INIT')).toBe(0));
  });

  describe('connection limits (issue #16: 3,000 anonymous sockets from one address were accepted)', () => {
    const INIT_TIMEOUT_MS = 300;
    let limited: RunningRouter;
    let limitedWsUrl: string;
    const sockets: RawSocket[] = [];

    const open = (connectionParams?: Record<string, unknown>) => {
      const socket = openRawSocket(limitedWsUrl, connectionParams);
      sockets.push(socket);
      return socket;
    };
    const refusals = async (reason: string) =>
      refusalCount(await (await fetch(limited.url.replace(/graphql$/, 'metrics'))).text(), reason);

    beforeAll(async () => {
      limited = await startRouter(
        loadRouterConfig({
          PORT: '0',
          NODE_ENV: 'test',
          IDENTITY_SECRET,
          SUBSCRIPTION_MAX_CONNECTIONS_PER_ADDRESS: '4',
          SUBSCRIPTION_MAX_CONNECTIONS_PER_USER: '2',
          SUBSCRIPTION_MAX_PER_CONNECTION: '2',
          SUBSCRIPTION_INIT_TIMEOUT_MS: String(INIT_TIMEOUT_MS),
        }),
        supergraphSdl,
        createLogger('router', 'silent'),
      );
      limitedWsUrl = limited.url.replace(/^http/, 'ws');
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.dispose()));
      await Promise.all(sockets.splice(0).map((socket) => socket.close()));
      await eventually(() => expect(limited.subscriptions.webSocket.connections).toBe(0));
    });
    afterAll(() => limited.stop());

    it('refuses the connection past SUBSCRIPTION_MAX_CONNECTIONS_PER_ADDRESS with 1013 and admits one again when another leaves', async () => {
      const before = await refusals('connections_per_address');
      const admitted = [open({}), open({}), open({}), open({})];
      for (const socket of admitted) expect(await socket.acknowledged).toBe(true);
      const refused = open({});
      expect(await refused.closed).toEqual({
        code: 1013,
        reason: 'Too many connections from this address',
      });
      expect(await refused.acknowledged).toBe(false);
      expect(await refusals('connections_per_address')).toBe(before + 1);

      await admitted[0]!.close();
      await eventually(() => expect(limited.subscriptions.webSocket.connections).toBe(3));
      expect(await open({}).acknowledged).toBe(true);
    });

    it('holds a flood from one address to the limit while /live answers', async () => {
      const before = await refusals('connections_per_address');
      const flood = Array.from({ length: 200 }, () => open({}));
      // Asked while the flood is being turned away: the process still serves (how fast is the
      // benchmarks' to say; a timed bound here failed on a busy machine at 1.08 s).
      const live = await fetch(limited.url.replace(/graphql$/, 'live'));
      expect(live.status).toBe(200);
      const acknowledged = await Promise.all(flood.map((socket) => socket.acknowledged));
      expect(acknowledged.filter(Boolean)).toHaveLength(4);
      const refused = flood.filter((_socket, index) => !acknowledged[index]);
      for (const socket of refused) expect((await socket.closed).code).toBe(1013);
      expect(await refusals('connections_per_address')).toBe(before + 196);
    });

    it('closes a connection that sends no connection_init with 4408 after SUBSCRIPTION_INIT_TIMEOUT_MS', async () => {
      const before = await refusals('connection_init_timeout');
      const started = performance.now();
      const silent = open();
      expect(await silent.closed).toEqual({
        code: 4408,
        reason: 'Connection initialisation timeout',
      });
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(INIT_TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(2_000);
      await eventually(async () =>
        expect(await refusals('connection_init_timeout')).toBe(before + 1),
      );
    });

    it('refuses a third connection of one user with 1013 while another user connects', async () => {
      const before = await refusals('connections_per_user');
      const customer = { authorization: await issue('CUSTOMER') };
      expect(await open(customer).acknowledged).toBe(true);
      expect(await open(customer).acknowledged).toBe(true);
      const third = open(customer);
      expect(await third.acknowledged).toBe(false);
      expect(await third.closed).toEqual({
        code: 1013,
        reason: 'Too many connections for this user',
      });
      await eventually(() => expect(limited.subscriptions.webSocket.connections).toBe(2));
      expect(await open({ authorization: await issue('ADMIN') }).acknowledged).toBe(true);
      expect(await refusals('connections_per_user')).toBe(before + 1);
    });

    it('refuses a subscription past SUBSCRIPTION_MAX_PER_CONNECTION with MAX_SUBSCRIPTIONS_EXCEEDED, keeping the connection', async () => {
      const before = await refusals('subscriptions_per_connection');
      const client = createClient({
        url: limitedWsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
      });
      clients.push(client);
      const first = subscribe(client, TICKS, { symbol: 'ACME' });
      subscribe(client, TICKS, { symbol: 'INIT' });
      await eventually(() => expect(limited.subscriptions.hub.subscribers).toBe(2));
      const third = subscribe(client, TICKS, { symbol: 'ACME' });
      await eventually(() => expect(third.errors).toHaveLength(1));
      expect(third.errors[0]).toEqual([
        expect.objectContaining({ extensions: { code: 'MAX_SUBSCRIPTIONS_EXCEEDED', limit: 2 } }),
      ]);
      expect(await refusals('subscriptions_per_connection')).toBe(before + 1);

      first.unsubscribe();
      await eventually(() => expect(limited.subscriptions.hub.subscribers).toBe(1));
      const fourth = subscribe(client, TICKS, { symbol: 'ACME' });
      await eventually(() => expect(limited.subscriptions.hub.subscribers).toBe(2));
      await eventually(() => expect(ticker.listeners('ACME')).toBe(1));
      ticker.publish('ACME', 130);
      await eventually(() => expect(fourth.results).toHaveLength(1));
    });

    it('counts multipart subscriptions against the same per-address limit (429 MAX_CONNECTIONS_EXCEEDED)', async () => {
      for (const socket of [open({}), open({}), open({}), open({})]) {
        expect(await socket.acknowledged).toBe(true);
      }
      const before = await refusals('connections_per_address');
      const abort = new AbortController();
      const response = await fetch(limited.url, {
        signal: abort.signal,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0",application/json',
        },
        body: JSON.stringify({ query: TICKS, variables: { symbol: 'ACME' } }),
      });
      if (response.status !== 429) abort.abort();
      expect(response.status).toBe(429);
      expect(await response.json()).toEqual({
        errors: [
          {
            message: 'Too many connections from this address',
            extensions: { code: 'MAX_CONNECTIONS_EXCEEDED' },
          },
        ],
      });
      expect(await refusals('connections_per_address')).toBe(before + 1);
      expect(ticker.listeners('ACME')).toBe(0);
    });
  });
});

/** A graphql-transport-ws socket driven by hand: it sends connection_init only when given params. */
interface RawSocket {
  /** Whether connection_ack came (false when the socket closed first). */
  acknowledged: Promise<boolean>;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

function openRawSocket(url: string, connectionParams?: Record<string, unknown>): RawSocket {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const acknowledged = new Promise<boolean>((resolve) => {
    socket.once('message', (data: Buffer) =>
      resolve((JSON.parse(data.toString()) as { type: string }).type === 'connection_ack'),
    );
    void closed.then(() => resolve(false));
  });
  socket.once('error', () => undefined);
  if (connectionParams) {
    socket.once('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams })),
    );
  }
  return {
    acknowledged,
    closed,
    async close() {
      if (socket.readyState !== WebSocket.CLOSED) socket.close(1000);
      await closed;
    },
  };
}

/** A counter's value for one reason in a Prometheus text exposition (0 when absent). */
function refusalCount(metrics: string, reason: string): number {
  const series = new RegExp(
    `^router_subscription_refusals_total\\{[^}]*reason="${reason}"[^}]*\\} (\\d+)$`,
    'm',
  );
  return Number(series.exec(metrics)?.[1] ?? 0);
}
