import { availableParallelism } from 'node:os';
import { developmentIdentitySecret, developmentKeyPair } from '@shop/identity';
import { ConfigError } from '@shop/platform';
import { APOLLO_STUDIO_ORIGIN, loadRouterConfig } from './config';

/** Production must be given its secrets; these tests give the development ones explicitly. */
const secrets = {
  IDENTITY_SECRET: developmentIdentitySecret(),
  JWT_PUBLIC_KEY: developmentKeyPair().publicKeyPem,
};

describe('router configuration', () => {
  it('serves introspection and admits Apollo Studio in development by default', () => {
    const config = loadRouterConfig({});
    expect(config.introspection).toBe(true);
    expect(config.corsOrigins).toContain(APOLLO_STUDIO_ORIGIN);
    expect(config.port).toBe(4000);
  });

  it('turns introspection and Studio off in production unless asked', () => {
    expect(loadRouterConfig({ NODE_ENV: 'production', ...secrets })).toMatchObject({
      introspection: false,
      corsOrigins: [],
    });
    expect(
      loadRouterConfig({ NODE_ENV: 'production', INTROSPECTION: 'true', ...secrets }).introspection,
    ).toBe(true);
    expect(loadRouterConfig({ INTROSPECTION: 'false' }).introspection).toBe(false);
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
    expect(config.corsOrigins).toEqual(['https://shop.example', 'https://admin.shop.example']);
    expect(config.subgraphUrls).toEqual({ PRODUCTS: 'http://products:4002/graphql' });
  });

  it('names every bad variable at once', () => {
    expect(() => loadRouterConfig({ PORT: 'eighty', SUBGRAPH_TIMEOUT_MS: '5' })).toThrow(
      /PORT[\s\S]*SUBGRAPH_TIMEOUT_MS/,
    );
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
    expect(loadRouterConfig({}).workers).toBe(1);
    const shared = { REDIS_URL: 'redis://127.0.0.1:6379' };
    expect(loadRouterConfig({ ROUTER_WORKERS: '3', ...shared }).workers).toBe(3);
    expect(loadRouterConfig({ ROUTER_WORKERS: 'auto', ...shared }).workers).toBe(
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
        .workers,
    ).toBe(2);
    expect(
      loadRouterConfig({ ROUTER_WORKERS: '2', REDIS_URL: 'redis://127.0.0.1:6379' }).workers,
    ).toBe(2);
  });
});
