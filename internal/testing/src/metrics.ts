// Prometheus text from a service's /metrics, read as the tests need it
// (the router's and the subgraphs' tests alike), and the dashboards that query it.
import { readFileSync } from 'node:fs';

/** The sum of a series' samples whose labels include all of `labels`. */
export function sampleOf(text: string, name: string, labels: Record<string, string> = {}): number {
  const sum = sampleIfAny(text, name, labels);
  if (sum === undefined) throw new Error(`no sample of ${name} ${JSON.stringify(labels)}`);
  return sum;
}

/**
 * `sampleOf`, or undefined when no sample matches: prom-client shows some
 * series (a kind of garbage collection) only once they have a value.
 */
export function sampleIfAny(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)))
      continue;
    sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** The /metrics beside a service's /graphql, as Prometheus scrapes it. */
export async function metricsOf(graphqlUrl: string): Promise<string> {
  const response = await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'));
  const type = response.headers.get('content-type') ?? '';
  if (response.status !== 200 || !type.includes('text/plain')) {
    throw new Error(`/metrics answered ${response.status} (${type}) beside ${graphqlUrl}`);
  }
  return response.text();
}

/** Every series name a scrape can show: a histogram's as its _bucket, _sum and _count too. */
export function servedMetricNames(metrics: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of metrics.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(name! + suffix);
  }
  return names;
}

/** Each metric name a Grafana dashboard's panels query, with the panel's title. */
export function dashboardQueries(dashboardFile: string): { name: string; panel: string }[] {
  const { panels } = JSON.parse(readFileSync(dashboardFile, 'utf8')) as {
    panels: { title: string; targets?: { expr: string }[] }[];
  };
  // Each name is written `name{…}` in the dashboards.
  const namesIn = (expr: string) =>
    [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((match) => match[1]!);
  return panels.flatMap((panel) =>
    (panel.targets ?? []).flatMap(({ expr }) =>
      namesIn(expr).map((name) => ({ name, panel: panel.title })),
    ),
  );
}
