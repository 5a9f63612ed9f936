import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import Redis from 'ioredis';
import { createAccessTokenIssuer, developmentKeyPair } from '@shop/identity';
import { createLogger, freePort } from '@shop/platform';
import {
  errorCodes,
  eventually,
  graphqlRequest,
  metricsOf,
  sampleOf,
  TcpRelay,
  TEST_REDIS_URL,
  wsClient,
} from '@shop/testing';
import { loadRouterConfig, startRouter, type RunningRouter } from '@shop/router';

const supergraphSdl = readFileSync(path.resolve(__dirname, '../../supergraph.graphql'), 'utf8');
const BURST = 5;

/** Answered by the router alone, so the test needs no subgraph. */
const QUERY = '{ __typename }';

async function startRouterWith(
  env: Record<string, string>,
  log = createLogger('router', 'silent'),
): Promise<RunningRouter> {
  const config = loadRouterConfig({
    PORT: '0',
    RATE_LIMIT_PER_SECOND: '0.2',
    RATE_LIMIT_BURST: String(BURST),
    ...env,
  });
  return startRouter(config, supergraphSdl, log);
}

/** A router logger whose lines the test reads. */
function capturedLog() {
  const lines: { level: string; msg: string }[] = [];
  const log = createLogger('router', 'info', {
    write: (line) => lines.push(JSON.parse(line) as { level: string; msg: string }),
  });
  return { log, said: (text: string) => lines.filter((line) => line.msg.includes(text)).length };
}

async function postQuery(url: string, headers: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: QUERY }),
  });
}

async function bearer(userId: string): Promise<Record<string, string>> {
  const config = loadRouterConfig({});
  const issuer = await createAccessTokenIssuer(developmentKeyPair().privateKeyPem, {
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    ttlSeconds: 900,
  });
  const { token } = await issuer.issue({ id: userId, role: 'CUSTOMER' });
  return { authorization: `Bearer ${token}` };
}

describe('rate limiting shared by two router instances through Redis', () => {
  const keyPrefix = `test-${randomUUID()}:rate:`;
  let first: RunningRouter;
  let second: RunningRouter;
  beforeAll(async () => {
    const env = { REDIS_URL: TEST_REDIS_URL, RATE_LIMIT_KEY_PREFIX: keyPrefix };
    [first, second] = await Promise.all([startRouterWith(env), startRouterWith(env)]);
  });
  afterAll(async () => {
    await Promise.all([first.stop(), second.stop()]);
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it("spends a user's burst on one instance and refuses the next request on the other", async () => {
    const headers = await bearer(randomUUID());
    for (let sent = 0; sent < BURST; sent += 1) {
      const result = await graphqlRequest(first.url, QUERY, undefined, headers);
      expect(result.data).toEqual({ __typename: 'Query' });
    }
    const response = await fetch(second.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(response.status).toBe(429);
    // 0.2 tokens a second: the next whole token is 5 s away.
    expect(response.headers.get('retry-after')).toBe('5');
    const body = (await response.json()) as {
      errors: { extensions: { code: string; retryAfterSeconds: number } }[];
    };
    expect(body.errors[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 5,
    });
  });

  it('spends the same bucket over graphql-ws, where an operation past it ends RATE_LIMITED', async () => {
    const headers = await bearer(randomUUID());
    const client = wsClient(first.url, { authorization: headers.authorization });
    try {
      for (let sent = 0; sent < BURST; sent += 1) {
        const operation = client.subscribe(QUERY);
        expect(await operation.take(1)).toEqual([{ data: { __typename: 'Query' } }]);
      }
      const refused = client.subscribe(QUERY);
      expect(await refused.ended).toMatchObject({
        kind: 'error',
        errors: [{ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 5 } }],
      });
    } finally {
      await client.close();
    }
    const overHttp = await graphqlRequest(second.url, QUERY, undefined, headers);
    expect(errorCodes(overHttp)).toEqual(['RATE_LIMITED']);
  });

  it('keeps one bucket per user: another user is not held back', async () => {
    const spender = await bearer(randomUUID());
    for (let sent = 0; sent <= BURST; sent += 1) {
      await graphqlRequest(second.url, QUERY, undefined, spender);
    }
    expect(errorCodes(await graphqlRequest(first.url, QUERY, undefined, spender))).toEqual([
      'RATE_LIMITED',
    ]);
    const other = await graphqlRequest(first.url, QUERY, undefined, await bearer(randomUUID()));
    expect(other.data).toEqual({ __typename: 'Query' });
  });

  it('keeps the bucket in Redis under the configured prefix, expiring once refilled', async () => {
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const keys = await redis.keys(`${keyPrefix}user:*`);
      expect(keys.length).toBeGreaterThanOrEqual(2);
      const ttl = await redis.pttl(keys[0]!);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual((BURST / 0.2) * 1000 + 1000);
    } finally {
      await redis.quit();
    }
  });
});

describe('rate limiting in one process, without Redis', () => {
  let router: RunningRouter;
  beforeAll(async () => {
    router = await startRouterWith({});
  });
  afterAll(() => router.stop());

  it('limits an anonymous caller by its address, and counts the refusal on /metrics', async () => {
    const refusals = async () =>
      sampleOf(await metricsOf(router.url), 'router_rate_limit_refusals_total', {
        caller: 'anonymous',
      });
    expect(await refusals()).toBe(0);
    const codes: unknown[] = [];
    for (let sent = 0; sent <= BURST; sent += 1) {
      codes.push(...errorCodes(await graphqlRequest(router.url, QUERY)));
    }
    expect(codes).toEqual(['RATE_LIMITED']);
    expect(await refusals()).toBe(1);
  });
});

describe('rate limiting turned off', () => {
  let router: RunningRouter;
  beforeAll(async () => {
    router = await startRouterWith({ RATE_LIMIT_PER_SECOND: '0' });
  });
  afterAll(() => router.stop());

  it('admits any number of requests when RATE_LIMIT_PER_SECOND is 0', async () => {
    for (let sent = 0; sent < BURST * 3; sent += 1) {
      expect((await graphqlRequest(router.url, QUERY)).data).toEqual({ __typename: 'Query' });
    }
  });
});

describe('rate limiting with Redis unreachable (issue #16: 300 of 300 let through)', () => {
  const { log, said } = capturedLog();
  let router: RunningRouter;
  beforeAll(async () => {
    // Without the entity cache, whose live pub/sub is not what this test is about.
    router = await startRouterWith(
      { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, ENTITY_CACHE: 'false' },
      log,
    );
  });
  afterAll(() => router.stop());

  it('keeps the buckets in this process: requests beyond the burst are still refused with 429', async () => {
    const headers = await bearer(randomUUID());
    for (let sent = 0; sent < BURST; sent += 1) {
      expect((await postQuery(router.url, headers)).status).toBe(200);
    }
    for (let sent = 0; sent < 3 * BURST; sent += 1) {
      const refused = await postQuery(router.url, headers);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('5');
    }
    const anonymous = [];
    for (let sent = 0; sent <= BURST; sent += 1) {
      anonymous.push(...errorCodes(await graphqlRequest(router.url, QUERY)));
    }
    expect(anonymous).toEqual(['RATE_LIMITED']);
    // Said once, not once per request.
    expect(said('rate limits kept in this process while Redis does not answer')).toBe(1);
  });
});

describe('rate limiting when Redis goes away and comes back', () => {
  const keyPrefix = `test-${randomUUID()}:rate:`;
  const { log, said } = capturedLog();
  const relay = new TcpRelay(Number(new URL(TEST_REDIS_URL).port || 6379));
  const redis = new Redis(TEST_REDIS_URL);
  let router: RunningRouter;
  beforeAll(async () => {
    await relay.listen();
    router = await startRouterWith(
      { REDIS_URL: `redis://127.0.0.1:${relay.port}`, RATE_LIMIT_KEY_PREFIX: keyPrefix },
      log,
    );
  });
  afterAll(async () => {
    await router.stop();
    await relay.close();
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('takes from buckets of its own while Redis is away and from Redis again once it is back, saying so once each way', async () => {
    const bucketInRedis = async (userId: string) => redis.exists(`${keyPrefix}user:${userId}`);
    const before = randomUUID();
    expect((await postQuery(router.url, await bearer(before))).status).toBe(200);
    expect(await bucketInRedis(before)).toBe(1);

    await relay.switchTo('refuse');
    const during = randomUUID();
    const headers = await bearer(during);
    const statuses = [];
    for (let sent = 0; sent <= 2 * BURST; sent += 1) {
      statuses.push((await postQuery(router.url, headers)).status);
    }
    expect(statuses).toEqual([
      ...Array<number>(BURST).fill(200),
      ...Array<number>(BURST + 1).fill(429),
    ]);
    expect(await bucketInRedis(during)).toBe(0);

    await relay.switchTo('forward');
    const after = randomUUID();
    const afterHeaders = await bearer(after);
    await eventually(async () => {
      await postQuery(router.url, afterHeaders);
      expect(await bucketInRedis(after)).toBe(1);
    }, 20_000);
    expect(said('rate limits kept in this process while Redis does not answer')).toBe(1);
    expect(said('rate limits kept in Redis again')).toBe(1);
  }, 40_000);
});

describe('failed sign-ins per client address (issue #16: 237 wrong passwords in 30 s, no slowdown)', () => {
  /** A subgraph whose login takes any email and only the password "right". */
  const accountsTypeDefs = parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
    type Query { ping: String }
    type Mutation { login(email: String!, password: String!): Session }
    type Session { token: String! }
  `);
  const FREE = 3;
  const LOGIN =
    'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }';
  let accounts: ApolloServer;
  let loginCalls = 0;
  let accountsSdl: string;
  const routers: RunningRouter[] = [];
  const keyPrefix = `test-${randomUUID()}:rate:`;

  const startThrottled = async (env: Record<string, string> = {}) => {
    const router = await startRouter(
      loadRouterConfig({
        PORT: '0',
        RATE_LIMIT_PER_SECOND: '0',
        LOGIN_ADDRESS_FREE_FAILURES: String(FREE),
        ...env,
      }),
      accountsSdl,
      createLogger('router', 'silent'),
    );
    routers.push(router);
    return router;
  };
  const signIn = (router: RunningRouter, password: string, email = `${randomUUID()}@example.com`) =>
    fetch(router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: LOGIN, variables: { email, password } }),
    });
  const codesOf = async (response: Response) =>
    ((await response.json()) as { errors?: { extensions?: { code?: string } }[] }).errors?.map(
      (error) => error.extensions?.code,
    ) ?? [];

  beforeAll(async () => {
    accounts = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs: accountsTypeDefs,
        resolvers: {
          Mutation: {
            login: (_: unknown, { password }: { password: string }) => {
              loginCalls += 1;
              if (password === 'right') return { token: 'a-token' };
              throw new GraphQLError('Invalid email or password', {
                extensions: { code: 'UNAUTHENTICATED' },
              });
            },
          },
        } as never,
      }),
      // A subgraph traces inline by default, and says so on the console.
      plugins: [ApolloServerPluginInlineTraceDisabled()],
    });
    const { url } = await startStandaloneServer(accounts, {
      listen: { port: 0, host: '127.0.0.1' },
    });
    const composed = composeServices([{ name: 'accounts', url, typeDefs: accountsTypeDefs }]);
    if (composed.errors) throw composed.errors[0];
    accountsSdl = composed.supergraphSdl;
  });
  afterEach(async () => {
    await Promise.all(routers.splice(0).map((router) => router.stop()));
  });
  afterAll(async () => {
    await accounts.stop();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('refuses sign-ins from an address past its free failures, whatever accounts they tried, before the subgraph is asked', async () => {
    const router = await startThrottled();
    for (let failed = 0; failed < FREE; failed += 1) {
      expect(await codesOf(await signIn(router, 'wrong'))).toEqual(['UNAUTHENTICATED']);
    }
    const callsBefore = loginCalls;
    const refused = await signIn(router, 'right');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({
      errors: [{ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 1 } }],
    });
    expect(loginCalls).toBe(callsBefore);

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await codesOf(await signIn(router, 'wrong'))).toEqual(['UNAUTHENTICATED']);
    const longer = await signIn(router, 'wrong');
    expect(longer.status).toBe(429);
    expect(longer.headers.get('retry-after')).toBe('2');
  });

  it('does not count sign-ins that succeed', async () => {
    const router = await startThrottled();
    for (let sent = 0; sent < 3 * FREE; sent += 1) {
      expect((await signIn(router, 'right')).status).toBe(200);
    }
    for (let failed = 0; failed < FREE; failed += 1) {
      expect(await codesOf(await signIn(router, 'wrong'))).toEqual(['UNAUTHENTICATED']);
    }
    expect((await signIn(router, 'right')).status).toBe(429);
  });

  it('counts every sign-in of one operation, aliased or behind fragments, and a burst of them as a sequence', async () => {
    const router = await startThrottled();
    const query = `mutation {
      a: login(email: "a@example.com", password: "wrong") { token }
      ...More
    }
    fragment More on Mutation {
      b: login(email: "b@example.com", password: "wrong") { token }
      ... on Mutation { c: login(email: "c@example.com", password: "wrong") { token } }
    }`;
    const response = await fetch(router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    expect(await codesOf(response)).toEqual([
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
    ]);
    expect((await signIn(router, 'right')).status).toBe(429);
  });

  it('refuses a burst of simultaneous wrong passwords past the free ones', async () => {
    const router = await startThrottled();
    const callsBefore = loginCalls;
    const statuses = await Promise.all(
      Array.from({ length: 4 * FREE }, async () => (await signIn(router, 'wrong')).status),
    );
    expect(statuses.filter((status) => status === 429)).toHaveLength(3 * FREE);
    expect(loginCalls - callsBefore).toBe(FREE);
  });

  it('counts sign-ins over graphql-ws with those over HTTP', async () => {
    const router = await startThrottled();
    const client = wsClient(router.url);
    try {
      for (let failed = 0; failed < FREE; failed += 1) {
        const attempt = client.subscribe(LOGIN, { email: 'ws@example.com', password: 'wrong' });
        expect((await attempt.take(1))[0]?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      }
      const refused = client.subscribe(LOGIN, { email: 'ws@example.com', password: 'right' });
      expect((await refused.take(1))[0]?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    } finally {
      await client.close();
    }
    expect((await signIn(router, 'right')).status).toBe(429);
  });

  it('shares the count between router instances through Redis', async () => {
    const env = { REDIS_URL: TEST_REDIS_URL, RATE_LIMIT_KEY_PREFIX: keyPrefix };
    const [first, second] = [await startThrottled(env), await startThrottled(env)];
    for (let failed = 0; failed < FREE; failed += 1) {
      expect(await codesOf(await signIn(failed % 2 ? second! : first!, 'wrong'))).toEqual([
        'UNAUTHENTICATED',
      ]);
    }
    expect((await signIn(second!, 'right')).status).toBe(429);
    expect((await signIn(first!, 'right')).status).toBe(429);
  });
});
