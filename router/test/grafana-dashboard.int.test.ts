import path from 'node:path';
import { dashboardQueries, graphqlRequest, metricsOf, servedMetricNames } from '@shop/testing';
import type { RunningRouter } from '@shop/router';
import {
  startFederatedFixture,
  startFixtureRouter,
  type FederatedFixture,
} from './support/federated-fixture';

const DASHBOARD = path.resolve(__dirname, '../../deploy/grafana/router-dashboard.json');

describe('the Grafana dashboard in deploy/grafana', () => {
  let fixture: FederatedFixture;
  let router: RunningRouter;
  beforeAll(async () => {
    fixture = await startFederatedFixture();
    router = await startFixtureRouter(fixture, { ENTITY_CACHE: 'true' });
  });
  afterAll(async () => {
    await router.stop();
    await fixture.stop();
  });

  it('queries only metrics the router serves on /metrics', async () => {
    // One operation through two subgraphs, so every per-call series has a sample.
    const answer = await graphqlRequest(router.url, '{ users { id } topProducts { name } }');
    expect(answer.errors).toBeUndefined();
    const served = servedMetricNames(await metricsOf(router.url));
    const queried = dashboardQueries(DASHBOARD);
    expect(queried.length).toBeGreaterThan(15);
    expect(queried.filter(({ name }) => !served.has(name))).toEqual([]);
    // The ones that explain the router's protections are there.
    for (const name of [
      'router_subgraph_breaker_state',
      'router_rate_limit_refusals_total',
      'router_entity_cache_lookups_total',
      'router_entity_cache_evictions_total',
    ]) {
      expect(queried.map((entry) => entry.name)).toContain(name);
    }
  });
});
