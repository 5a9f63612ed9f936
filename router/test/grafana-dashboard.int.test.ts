import { readFileSync } from 'node:fs';
import path from 'node:path';
import { graphqlRequest, metricsOf } from '@shop/testing';
import type { RunningRouter } from '@shop/router';
import {
  startFederatedFixture,
  startFixtureRouter,
  type FederatedFixture,
} from './support/federated-fixture';

const DASHBOARD = path.resolve(__dirname, '../../deploy/grafana/router-dashboard.json');

interface Panel {
  title: string;
  targets?: { expr: string }[];
}

/** The metric names a PromQL expression selects: each is written `name{…}` in the dashboard. */
const namesIn = (expr: string) =>
  [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]!);

/** Every series name a scrape can show: a histogram's as its _bucket, _sum and _count. */
function servedNames(metrics: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of metrics.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(name! + suffix);
  }
  return names;
}

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
    const served = servedNames(await metricsOf(router.url));

    const panels = (JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] }).panels;
    const queried = panels.flatMap((panel) =>
      (panel.targets ?? []).flatMap(({ expr }) =>
        namesIn(expr).map((name) => ({ name, panel: panel.title })),
      ),
    );
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
