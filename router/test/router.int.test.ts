import { readFileSync } from 'node:fs';
import path from 'node:path';
import { developmentIdentitySecret, developmentKeyPair } from '@shop/identity';
import { createLogger } from '@shop/platform';
import { graphqlRequest } from '@shop/testing';
import { loadRouterConfig, startRouter, subgraphsOf, type RunningRouter } from '@shop/router';

const supergraphSdl = readFileSync(path.resolve(__dirname, '../../supergraph.graphql'), 'utf8');

/** Every subgraph pointed at a port where nothing listens. */
function unreachableSubgraphs(): Record<string, string> {
  return Object.fromEntries(
    subgraphsOf(supergraphSdl).map((subgraph) => [
      `SUBGRAPH_URL_${subgraph.name.toUpperCase()}`,
      'http://127.0.0.1:9/graphql',
    ]),
  );
}

describe('the router in production mode', () => {
  let router: RunningRouter;
  beforeAll(async () => {
    const config = loadRouterConfig({
      NODE_ENV: 'production',
      PORT: '0',
      IDENTITY_SECRET: developmentIdentitySecret(),
      JWT_PUBLIC_KEY: developmentKeyPair().publicKeyPem,
      ...unreachableSubgraphs(),
    });
    router = await startRouter(config, supergraphSdl, createLogger('router', 'silent'));
  });
  afterAll(() => router.stop());

  it('refuses introspection', async () => {
    const result = await graphqlRequest(router.url, '{ __schema { queryType { name } } }');
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('serves no landing page', async () => {
    const response = await fetch(router.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toMatch(/sandbox/i);
  });

  it('does not admit Apollo Studio’s origin unless configured', async () => {
    const response = await fetch(router.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://studio.apollographql.com',
        'access-control-request-method': 'POST',
      },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('reports itself degraded, naming each unreachable subgraph, on /health', async () => {
    const response = await fetch(new URL('/health', router.url));
    expect(response.status).toBe(503);
    const report = (await response.json()) as { status: string; subgraphs: Record<string, string> };
    expect(report.status).toBe('degraded');
    expect(Object.values(report.subgraphs).every((state) => state === 'unavailable')).toBe(true);
    expect(Object.keys(report.subgraphs).sort()).toEqual(
      subgraphsOf(supergraphSdl)
        .map((s) => s.name)
        .sort(),
    );
  });

  it('answers a query whose subgraph is down with an error, not a crash', async () => {
    const result = await graphqlRequest(router.url, '{ categories { id } }');
    expect(result.status).toBe(200);
    expect(result.data).toBeNull();
    expect(result.errors?.length).toBeGreaterThan(0);
  });
});
