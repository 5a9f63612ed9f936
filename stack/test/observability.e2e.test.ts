import path from 'node:path';
import { seedData } from '@shop/seed';
import { inMemorySpanExporter, SpanKind, type ReadableSpan } from '@shop/platform';
import {
  dashboardQueries,
  eventually,
  graphqlRequest,
  metricsOf,
  sampleOf,
  servedMetricNames,
  wsClient,
  type TestWsClient,
} from '@shop/testing';
import {
  PriceChangedDocument,
  ProductPageDocument,
  UpdatePriceDocument,
} from '../../clients/generated/operations';
import { signInAdmin } from './support/shop';
import { startTestStack, type RunningStack } from './support/test-stack';

/** A product with reviews, so its page needs products, inventory and users. */
const reviewed = seedData.reviews[0]!.productId;

const serviceOf = (span: ReadableSpan) => span.resource.attributes['service.name'];

const SUBGRAPHS_DASHBOARD = path.resolve(
  __dirname,
  '../../deploy/grafana/subgraphs-dashboard.json',
);

/**
 * /metrics on the router and on every subgraph, and one trace across them,
 * through the real stack: the router's operations, its subgraph calls and
 * open subscriptions, a consumer's event lag, and spans of one request from
 * the router and each subgraph it called, linked parent to child.
 */
describe('observability of the stack', () => {
  const spans = inMemorySpanExporter();
  let stack: RunningStack;
  let client: TestWsClient | undefined;

  beforeAll(async () => {
    // No entity cache: every ProductPage below really calls its subgraphs.
    stack = await startTestStack(
      { ENTITY_CACHE: 'false' },
      { observability: { spanExporter: spans } },
    );
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await stack?.stop();
  });

  const subgraphUrl = (name: string) => stack.subgraphs.find((s) => s.name === name)!.url;

  it('serves the listed series on the router and on a subgraph, and they count traffic', async () => {
    const before = await metricsOf(stack.router.url);
    expect(() => sampleOf(before, 'graphql_request_duration_seconds_count')).toThrow();

    for (let i = 0; i < 2; i++) {
      const page = await graphqlRequest(stack.router.url, ProductPageDocument, { id: reviewed });
      expect(page.errors).toBeUndefined();
    }
    const failing = await graphqlRequest(stack.router.url, 'query Broken { noSuchField }');
    expect(failing.errors).toBeDefined();
    client = wsClient(stack.router.url);
    client.subscribe(PriceChangedDocument, { productId: reviewed });

    const router = await eventually(async () => {
      const text = await metricsOf(stack.router.url);
      expect(sampleOf(text, 'router_active_subscriptions')).toBe(1);
      return text;
    });
    const page = { operation_name: 'ProductPage', operation_type: 'query', service: 'router' };
    expect(sampleOf(router, 'graphql_request_duration_seconds_count', page)).toBe(2);
    expect(
      sampleOf(router, 'graphql_request_duration_seconds_bucket', { ...page, le: '+Inf' }),
    ).toBe(2);
    expect(
      sampleOf(router, 'graphql_request_errors_total', {
        operation_type: 'unknown',
        code: 'GRAPHQL_VALIDATION_FAILED',
      }),
    ).toBe(1);
    expect(() => sampleOf(router, 'graphql_request_errors_total', page)).toThrow();
    for (const subgraph of ['products', 'inventory', 'users']) {
      expect(
        sampleOf(router, 'router_subgraph_request_duration_seconds_count', { subgraph }),
      ).toBeGreaterThanOrEqual(2);
    }
    expect(router).toContain('# TYPE router_subgraph_request_errors_total counter');
    // Each executed plan's fetches, and the calls they went in (fetches to one subgraph share one).
    expect(sampleOf(router, 'router_plan_fetches_count')).toBe(2);
    expect(sampleOf(router, 'router_plan_subgraph_calls_count')).toBe(2);
    const planned = sampleOf(router, 'router_plan_subgraph_calls_sum');
    expect(planned).toBeGreaterThan(0);
    expect(planned).toBeLessThanOrEqual(sampleOf(router, 'router_plan_fetches_sum'));
    expect(sampleOf(router, 'router_upstream_subscriptions')).toBe(1);
    expect(
      sampleOf(router, 'process_cpu_user_seconds_total', { service: 'router' }),
    ).toBeGreaterThan(0);
    expect(sampleOf(router, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);

    // The subgraph's own registry: its operations as the router named them, not the router's.
    const products = await metricsOf(subgraphUrl('products'));
    expect(
      sampleOf(products, 'graphql_request_duration_seconds_count', { service: 'products' }),
    ).toBeGreaterThanOrEqual(2);
    expect(() => sampleOf(products, 'router_active_subscriptions')).toThrow();
    expect(sampleOf(products, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    // A price change is a products event that search consumes: its consumer measures the lag.
    const changed = await graphqlRequest(
      stack.router.url,
      UpdatePriceDocument,
      { productId: reviewed, price: { amount: 1234, currency: 'USD' } },
      await signInAdmin(stack.router.url),
    );
    expect(changed.errors).toBeUndefined();
    await eventually(async () => {
      const search = await metricsOf(subgraphUrl('search'));
      expect(
        sampleOf(search, 'domain_event_lag_seconds_count', {
          stream: 'products.events',
          consumer: 'search',
        }),
      ).toBeGreaterThan(0);
    }, 20_000);
  });

  it("shows each subgraph's pool and outbox, and the subgraphs' Grafana dashboard queries only what they serve", async () => {
    const scrapes = await Promise.all(
      stack.subgraphs.map(async (subgraph) => ({
        name: subgraph.name,
        text: await metricsOf(subgraph.url),
      })),
    );
    for (const { name, text } of scrapes) {
      const own = { service: name };
      expect(sampleOf(text, 'db_pool_connections_max', own)).toBe(4); // DATABASE_POOL_SIZE
      expect(sampleOf(text, 'db_pool_connections', own)).toBeGreaterThanOrEqual(
        sampleOf(text, 'db_pool_connections_in_use', own),
      );
      expect(sampleOf(text, 'db_pool_waiting_clients', own)).toBeGreaterThanOrEqual(0);
    }
    // Every subgraph that publishes events has an outbox; search, which only consumes, has none.
    const publishing = scrapes.filter(({ text }) => text.includes('outbox_unpublished_events{'));
    expect(publishing.map(({ name }) => name).sort()).toEqual([
      'inventory',
      'orders',
      'payments',
      'products',
      'users',
    ]);

    const served = new Set(scrapes.flatMap(({ text }) => [...servedMetricNames(text)]));
    const queried = dashboardQueries(SUBGRAPHS_DASHBOARD);
    expect(queried.length).toBeGreaterThan(15);
    expect(queried.filter(({ name }) => !served.has(name))).toEqual([]);
    for (const name of [
      'graphql_request_errors_total',
      'db_statements_total',
      'db_pool_waiting_clients',
      'outbox_unpublished_events',
      'outbox_oldest_unpublished_age_seconds',
      'domain_event_lag_seconds_bucket',
      'notifications_failed_total',
    ]) {
      expect(queried.map((entry) => entry.name)).toContain(name);
    }
  });

  it('traces a ProductPage request across the router and every subgraph it called', async () => {
    spans.reset();
    const page = await graphqlRequest(stack.router.url, ProductPageDocument, { id: reviewed });
    expect(page.errors).toBeUndefined();

    const request = await eventually(() => {
      const found = spans
        .getFinishedSpans()
        .find((span) => serviceOf(span) === 'router' && span.kind === SpanKind.SERVER);
      expect(found).toBeDefined();
      return found!;
    });
    expect(request.name).toBe('query ProductPage');
    expect(request.attributes['graphql.operation.name']).toBe('ProductPage');
    const { traceId } = request.spanContext();

    const inTrace = () =>
      spans.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    const servers = await eventually(() => {
      const found = inTrace().filter(
        (span) => span.kind === SpanKind.SERVER && serviceOf(span) !== 'router',
      );
      expect(new Set(found.map(serviceOf))).toEqual(new Set(['products', 'inventory', 'users']));
      return found;
    });

    const calls = inTrace().filter((span) => span.kind === SpanKind.CLIENT);
    for (const call of calls) {
      expect(serviceOf(call)).toBe('router');
      expect(call.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    }
    for (const server of servers) {
      const parent = calls.find(
        (call) => call.spanContext().spanId === server.parentSpanContext?.spanId,
      );
      expect(parent?.name).toBe(`subgraph ${String(serviceOf(server))}`);
      expect(server.name).toMatch(/^query /);
    }
    // Nothing outside the request's trace came from it.
    expect(spans.getFinishedSpans().every((span) => span.spanContext().traceId === traceId)).toBe(
      true,
    );
  });
});
