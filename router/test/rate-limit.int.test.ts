import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { createAccessTokenIssuer, developmentKeyPair } from '@shop/identity';
import { createLogger } from '@shop/platform';
import { errorCodes, graphqlRequest, TEST_REDIS_URL, wsClient } from '@shop/testing';
import { loadRouterConfig, startRouter, type RunningRouter } from '@shop/router';

const supergraphSdl = readFileSync(path.resolve(__dirname, '../../supergraph.graphql'), 'utf8');
const BURST = 5;

/** Answered by the router alone, so the test needs no subgraph. */
const QUERY = '{ __typename }';

async function startRouterWith(env: Record<string, string>): Promise<RunningRouter> {
  const config = loadRouterConfig({
    PORT: '0',
    RATE_LIMIT_PER_SECOND: '0.2',
    RATE_LIMIT_BURST: String(BURST),
    ...env,
  });
  return startRouter(config, supergraphSdl, createLogger('router', 'silent'));
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

  it('limits an anonymous caller by its address', async () => {
    const codes: unknown[] = [];
    for (let sent = 0; sent <= BURST; sent += 1) {
      codes.push(...errorCodes(await graphqlRequest(router.url, QUERY)));
    }
    expect(codes).toEqual(['RATE_LIMITED']);
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
