import { readFileSync } from 'node:fs';
import path from 'node:path';
import { developmentIdentitySecret, developmentKeyPair } from '@shop/identity';
import { createLogger } from '@shop/platform';
import { errorCodes, graphqlRequest } from '@shop/testing';
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
      METRICS_PORT: '0',
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

  it('keeps /metrics off its public port and serves it on METRICS_PORT alone', async () => {
    const onPublicPort = await fetch(new URL('/metrics', router.url));
    expect(onPublicPort.headers.get('content-type')).not.toMatch(/^text\/plain/);
    expect(await onPublicPort.text()).not.toMatch(/process_cpu_user_seconds_total|graphql_/);
    expect(router.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const onItsOwn = await fetch(router.metricsUrl!);
    expect(onItsOwn.status).toBe(200);
    expect(await onItsOwn.text()).toContain('process_cpu_user_seconds_total{service="router"}');
    // The listener serves metrics and nothing else.
    const graphql = await fetch(new URL('/graphql', router.metricsUrl), { method: 'POST' });
    expect(graphql.status).toBe(404);
  });

  it('suggests no names of the schema in its errors, with introspection off', async () => {
    const unknownField = await graphqlRequest(router.url, '{ prodcts(first: 1) { totalCount } }');
    expect(errorCodes(unknownField)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const unknownInputField = await graphqlRequest(
      router.url,
      'query ($filter: ProductFilter) { products(first: 1, filter: $filter) { totalCount } }',
      { filter: { minPrise: 1 } },
    );
    expect(errorCodes(unknownInputField)).toEqual(['BAD_USER_INPUT']);
    for (const result of [unknownField, unknownInputField]) {
      expect(JSON.stringify(result.body)).not.toMatch(/Did you mean|products|minPrice/);
    }
  });

  it('suggests no names of the schema to subscriptions either', async () => {
    const subscribe = (query: string, variables?: Record<string, unknown>) =>
      fetch(router.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'multipart/mixed;subscriptionSpec="1.0", application/json',
        },
        body: JSON.stringify({ query, variables }),
      });
    const unknownField = await subscribe('subscription { priceChangd(productId: "1") { id } }');
    const text = await unknownField.text();
    expect(text).toMatch(/GRAPHQL_VALIDATION_FAILED/);
    expect(text).not.toMatch(/Did you mean|priceChanged/);
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
