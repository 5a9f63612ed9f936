import { buildSchema } from 'graphql';
import type { LivePubSub } from '@shop/events';
import {
  ANONYMOUS,
  developmentIdentitySecret,
  IDENTITY_HEADER,
  identityKeyFor,
  signIdentity,
} from '@shop/identity';
import { createLogger, createServiceObservability } from '@shop/platform';
import { loadSubgraphSettings } from './subgraph-settings';
import { startSubgraphServer, type RunningSubgraph } from './subgraph-server';

const secret = developmentIdentitySecret();
const asRouter = {
  'content-type': 'application/json',
  [IDENTITY_HEADER]: signIdentity(ANONYMOUS, identityKeyFor(secret, 'products')),
};
const noPubSub: LivePubSub = {
  publish: () => Promise.resolve(),
  subscribe: () => Promise.reject(new Error('no subscriptions in this test')),
  close: () => Promise.resolve(),
};

/** A subgraph server as a subgraph's main.ts configures it from `env`, with a one-field schema. */
async function subgraphWith(env: Record<string, string>) {
  const settings = loadSubgraphSettings('products', {
    DATABASE_URL_PRODUCTS: 'postgresql://postgres@127.0.0.1:5432/unused?schema=products',
    IDENTITY_SECRET: secret,
    ...env,
  });
  const observability = createServiceObservability('products', settings.observability!);
  const server = await startSubgraphServer({
    name: 'products',
    schema: buildSchema('type Query { product: String }'),
    host: '127.0.0.1',
    port: 0,
    log: createLogger('products', 'silent'),
    context: (base) => base,
    identitySecret: secret,
    pubSub: noPubSub,
    keepAliveMs: 10_000,
    health: () => Promise.resolve(),
    production: settings.production,
    observability,
  });
  return {
    server,
    stop: async () => {
      await server.stop();
      await observability.shutdown();
    },
  };
}

const metricsOnPublicPort = (server: RunningSubgraph) =>
  fetch(new URL('/metrics', server.url)).then(async (response) => ({
    status: response.status,
    text: await response.text(),
  }));

describe('a subgraph in production', () => {
  it('keeps /metrics off its public port and serves it on METRICS_PORT', async () => {
    const { server, stop } = await subgraphWith({ NODE_ENV: 'production', METRICS_PORT: '0' });
    try {
      expect((await metricsOnPublicPort(server)).status).toBe(404);
      expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const own = await fetch(server.metricsUrl!);
      expect(own.status).toBe(200);
      expect(await own.text()).toContain('process_cpu_user_seconds_total{service="products"}');
    } finally {
      await stop();
    }
  });

  it('serves no metrics at all without METRICS_PORT', async () => {
    const { server, stop } = await subgraphWith({ NODE_ENV: 'production' });
    try {
      expect((await metricsOnPublicPort(server)).status).toBe(404);
      expect(server.metricsUrl).toBeUndefined();
    } finally {
      await stop();
    }
  });

  it('suggests no field names in validation errors', async () => {
    const { server, stop } = await subgraphWith({ NODE_ENV: 'production' });
    try {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: asRouter,
        body: JSON.stringify({ query: '{ prodct }' }),
      });
      expect(response.status).toBe(400);
      const text = await response.text();
      expect(text).toContain('GRAPHQL_VALIDATION_FAILED');
      expect(text).not.toMatch(/Did you mean|"product"/);
    } finally {
      await stop();
    }
  });
});

describe('a subgraph in development', () => {
  it('serves /metrics on its own port, and suggests field names', async () => {
    const { server, stop } = await subgraphWith({ NODE_ENV: 'development' });
    try {
      const metrics = await metricsOnPublicPort(server);
      expect(metrics.status).toBe(200);
      expect(metrics.text).toContain('service="products"');
      const response = await fetch(server.url, {
        method: 'POST',
        headers: asRouter,
        body: JSON.stringify({ query: '{ prodct }' }),
      });
      expect(await response.text()).toContain('Did you mean');
    } finally {
      await stop();
    }
  });
});
