// Prometheus text from a service's /metrics, read as the tests need it
// (the router's and the subgraphs' tests alike).

/** The sum of a series' samples whose labels include all of `labels`. */
export function sampleOf(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)))
      continue;
    found = true;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  if (!found) throw new Error(`no sample of ${name} ${JSON.stringify(labels)}`);
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
