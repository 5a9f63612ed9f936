import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { developmentIdentitySecret, developmentKeyPair } from '@shop/identity';
import { ConfigError } from '@shop/platform';
import { loadRouterConfig } from './config';
import { APOLLO_STUDIO_ORIGIN } from './server.settings';

/** Production must be given its secrets; these tests give the development ones explicitly. */
const secrets = {
  IDENTITY_SECRET: developmentIdentitySecret(),
  JWT_PUBLIC_KEY: developmentKeyPair().publicKeyPem,
};

describe('router configuration', () => {
  it('serves introspection and admits Apollo Studio in development by default', () => {
    const { server } = loadRouterConfig({});
    expect(server.introspection).toBe(true);
    expect(server.corsOrigins).toContain(APOLLO_STUDIO_ORIGIN);
    expect(server.port).toBe(4000);
  });

  it('turns introspection and Studio off in production unless asked', () => {
    expect(loadRouterConfig({ NODE_ENV: 'production', ...secrets }).server).toMatchObject({
      introspection: false,
      corsOrigins: [],
    });
    expect(
      loadRouterConfig({ NODE_ENV: 'production', INTROSPECTION: 'true', ...secrets }).server
        .introspection,
    ).toBe(true);
    expect(loadRouterConfig({ INTROSPECTION: 'false' }).server.introspection).toBe(false);
  });

  it("keeps @apollo/gateway's usage reports to Apollo off unless APOLLO_TELEMETRY_DISABLED=false", () => {
    expect(loadRouterConfig({}).server.apolloTelemetry).toBe(false);
    expect(loadRouterConfig({ APOLLO_TELEMETRY_DISABLED: 'false' }).server.apolloTelemetry).toBe(
      true,
    );
    expect(() => loadRouterConfig({ APOLLO_TELEMETRY_DISABLED: 'no' })).toThrow(
      /APOLLO_TELEMETRY_DISABLED/,
    );
  });

  it('reads the supergraph from a file, watched, or from a URL, polled', () => {
    expect(loadRouterConfig({}).supergraph).toEqual({
      path: 'supergraph.graphql',
      url: undefined,
      reload: true,
      pollIntervalMs: 10_000,
    });
    expect(
      loadRouterConfig({
        SUPERGRAPH_URL: 'https://registry.example/supergraph.graphql',
        SUPERGRAPH_POLL_INTERVAL_MS: '30000',
        SUPERGRAPH_RELOAD: 'false',
      }).supergraph,
    ).toMatchObject({
      url: 'https://registry.example/supergraph.graphql',
      reload: false,
      pollIntervalMs: 30_000,
    });
    expect(() =>
      loadRouterConfig({ SUPERGRAPH_URL: 'https://registry.example/s', SUPERGRAPH_PATH: 'a' }),
    ).toThrow(/SUPERGRAPH_URL: set it or SUPERGRAPH_PATH, not both/);
    expect(() => loadRouterConfig({ SUPERGRAPH_POLL_INTERVAL_MS: '5' })).toThrow(
      /SUPERGRAPH_POLL_INTERVAL_MS/,
    );
    expect(() => loadRouterConfig({ SUPERGRAPH_URL: 'not a url' })).toThrow(/SUPERGRAPH_URL/);
  });

  it('reads the CORS allow-list and subgraph URL overrides', () => {
    const config = loadRouterConfig({
      NODE_ENV: 'production',
      ...secrets,
      CORS_ORIGINS: 'https://shop.example, https://admin.shop.example',
      SUBGRAPH_URL_PRODUCTS: 'http://products:4002/graphql',
    });
    expect(config.server.corsOrigins).toEqual([
      'https://shop.example',
      'https://admin.shop.example',
    ]);
    expect(config.subgraphCalls.urls).toEqual({ PRODUCTS: 'http://products:4002/graphql' });
  });

  it('names every bad variable at once', () => {
    expect(() => loadRouterConfig({ PORT: 'eighty', SUBGRAPH_TIMEOUT_MS: '5' })).toThrow(
      /PORT[\s\S]*SUBGRAPH_TIMEOUT_MS/,
    );
  });

  it('names a bad per-subgraph variable with the others', () => {
    let error: unknown;
    try {
      loadRouterConfig({
        MAX_DEPTH: '-1',
        SUBGRAPH_URL_PRODUCTS: 'not a url',
        SUBGRAPH_TIMEOUT_MS_INVENTORY: '5',
        SUBGRAPH_URL_USERS: 'http://users:4001/graphql',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((line) => line.split(':')[0]).sort()).toEqual([
      'MAX_DEPTH',
      'SUBGRAPH_TIMEOUT_MS_INVENTORY',
      'SUBGRAPH_URL_PRODUCTS',
    ]);
  });

  it('groups the settings by feature, each with its default', () => {
    const config = loadRouterConfig({});
    expect(config.subgraphCalls).toEqual({
      timeoutMs: 10_000,
      timeoutOverridesMs: {},
      retries: 1,
      retryBackoffMs: 50,
      breakerFailures: 5,
      breakerCoolDownMs: 2_000,
      urls: {},
      deduplication: true,
      healthTimeoutMs: 2_000,
    });
    expect(config.limits).toEqual({
      maxBodyBytes: 1_000_000,
      maxDepth: 15,
      maxAliases: 30,
      maxRootFields: 20,
      maxSelections: 1_000,
      maxTokens: 5_000,
      maxCost: 10_000,
      defaultListSize: 10,
      safelistPath: undefined,
    });
    expect(config.rateLimit).toEqual({
      perSecond: 50,
      burst: 100,
      keyPrefix: 'rate-limit:',
      redisUrl: undefined,
    });
    expect(config.caching).toMatchObject({ entityCache: true, keyPrefix: 'cache:' });
    expect(config.subscriptions).toMatchObject({ keepAliveMs: 12_000, maxQueuedEvents: 100 });
    expect(config.storefront.graphiql).toBe(true);
    expect(config.storefront.dir).toMatch(/clients[/\\]storefront[/\\]dist$/);
    // GraphiQL follows INTROSPECTION, then production, unless GRAPHIQL is set.
    expect(loadRouterConfig({ INTROSPECTION: 'false' }).storefront.graphiql).toBe(false);
    expect(
      loadRouterConfig({ NODE_ENV: 'production', GRAPHIQL: 'true', ...secrets }).storefront
        .graphiql,
    ).toBe(true);
    const blue = loadRouterConfig({ EVENT_STREAM_PREFIX: 'blue:', REDIS_URL: 'redis://r:6379' });
    expect(blue.caching).toMatchObject({
      keyPrefix: 'blue:cache:',
      redisUrl: 'redis://r:6379',
      events: { redisUrl: 'redis://r:6379', streamPrefix: 'blue:' },
    });
    expect(blue.loginThrottle.keyPrefix).toBe('blue:rate-limit:login-failures:');
  });

  it('documents every variable of every feature beside its code, with its default', () => {
    const settingsFiles = readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.settings.ts'))
      .map((file) => path.join(__dirname, file));
    expect(settingsFiles.length).toBeGreaterThanOrEqual(9);
    const undocumented: string[] = [];
    let variables = 0;
    for (const file of settingsFiles) {
      const source = readFileSync(file, 'utf8');
      // A variable is an upper-case key of an exported object, its JSDoc right above it.
      for (const [, doc, name] of source.matchAll(
        /(\/\*\*(?:(?!\*\/)[\s\S])*\*\/)?\n {2}([A-Z][A-Z0-9_]+):/g,
      )) {
        variables++;
        if (!doc?.includes('@default')) undocumented.push(`${path.basename(file)}: ${name}`);
      }
    }
    expect(variables).toBeGreaterThanOrEqual(40);
    expect(undocumented).toEqual([]);
  });

  it('refuses to start in production without the identity secret and the token key', () => {
    expect(() =>
      loadRouterConfig({ NODE_ENV: 'production', IDENTITY_SECRET: secrets.IDENTITY_SECRET }),
    ).toThrow(/JWT_PUBLIC_KEY: required when NODE_ENV=production/);
    expect(() =>
      loadRouterConfig({ NODE_ENV: 'production', JWT_PUBLIC_KEY: secrets.JWT_PUBLIC_KEY }),
    ).toThrow(/IDENTITY_SECRET: required when NODE_ENV=production/);
  });

  it('names every missing secret in one ConfigError, with the other bad variables', () => {
    let error: unknown;
    try {
      loadRouterConfig({ NODE_ENV: 'production', PORT: 'eighty' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.sort()).toEqual([
      'IDENTITY_SECRET: required when NODE_ENV=production',
      'JWT_PUBLIC_KEY: required when NODE_ENV=production',
      expect.stringMatching(/^PORT: /),
    ]);
  });

  it('limits long-lived connections and failed sign-ins by default, each limit set or turned off by its variable', () => {
    const defaults = loadRouterConfig({});
    expect(defaults.subscriptions.limits).toEqual({
      maxPerAddress: 256,
      maxPerUser: 16,
      maxSubscriptionsPerConnection: 50,
      initTimeoutMs: 3_000,
    });
    expect(defaults.loginThrottle).toMatchObject({
      mutations: ['login'],
      freeFailures: 30,
      maxDelaySeconds: 300,
      windowSeconds: 3_600,
      keyPrefix: 'rate-limit:login-failures:',
    });
    const set = loadRouterConfig({
      SUBSCRIPTION_MAX_CONNECTIONS_PER_ADDRESS: '0',
      SUBSCRIPTION_INIT_TIMEOUT_MS: '500',
      LOGIN_MUTATIONS: '',
      EVENT_STREAM_PREFIX: 'blue:',
    });
    expect(set.subscriptions.limits).toMatchObject({ maxPerAddress: 0, initTimeoutMs: 500 });
    expect(set.loginThrottle.mutations).toEqual([]);
    // Namespaced like the caches: two deployments (or test runs) on one Redis count apart.
    expect(set.rateLimit.keyPrefix).toBe('blue:rate-limit:');
    expect(() => loadRouterConfig({ SUBSCRIPTION_MAX_PER_CONNECTION: '-1' })).toThrow(
      /SUBSCRIPTION_MAX_PER_CONNECTION/,
    );
    expect(() => loadRouterConfig({ SUBSCRIPTION_INIT_TIMEOUT_MS: '0' })).toThrow(
      /SUBSCRIPTION_INIT_TIMEOUT_MS/,
    );
    expect(() =>
      loadRouterConfig({
        LOGIN_ADDRESS_MAX_DELAY_SECONDS: '7200',
        LOGIN_ADDRESS_FAILURE_WINDOW_SECONDS: '3600',
      }),
    ).toThrow(/LOGIN_ADDRESS_FAILURE_WINDOW_SECONDS: must be at least/);
  });

  it('serves from one process unless ROUTER_WORKERS asks for forks: a number, or auto for one per core', () => {
    expect(loadRouterConfig({}).cluster.workers).toBe(1);
    const shared = { REDIS_URL: 'redis://127.0.0.1:6379' };
    expect(loadRouterConfig({ ROUTER_WORKERS: '3', ...shared }).cluster.workers).toBe(3);
    expect(loadRouterConfig({ ROUTER_WORKERS: 'auto', ...shared }).cluster.workers).toBe(
      availableParallelism(),
    );
    for (const bad of ['0', '1.5', 'many']) {
      expect(() => loadRouterConfig({ ROUTER_WORKERS: bad })).toThrow(/^.*\n {2}ROUTER_WORKERS: /);
    }
  });

  it('refuses forks without Redis while a per-client limit would count in each worker alone', () => {
    expect(() => loadRouterConfig({ ROUTER_WORKERS: '2' })).toThrow(
      /ROUTER_WORKERS: more than 1 needs REDIS_URL; without it the rate limit .* and the sign-in throttle .* would count in each worker alone/,
    );
    expect(() => loadRouterConfig({ ROUTER_WORKERS: '2', RATE_LIMIT_PER_SECOND: '0' })).toThrow(
      /ROUTER_WORKERS: more than 1 needs REDIS_URL; without it the sign-in throttle \(LOGIN_MUTATIONS= turns it off\) would count/,
    );
    expect(
      loadRouterConfig({ ROUTER_WORKERS: '2', RATE_LIMIT_PER_SECOND: '0', LOGIN_MUTATIONS: '' })
        .cluster.workers,
    ).toBe(2);
    expect(
      loadRouterConfig({ ROUTER_WORKERS: '2', REDIS_URL: 'redis://127.0.0.1:6379' }).cluster
        .workers,
    ).toBe(2);
  });
});
