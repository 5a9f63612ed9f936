import type { SupergraphSubgraph } from '../supergraph/subgraphs';

export interface HealthReport {
  status: 'ok' | 'degraded';
  subgraphs: Record<string, 'ok' | 'unavailable'>;
}

/** The health URL of a subgraph: /health on the origin of its GraphQL endpoint. */
export function healthUrlOf(graphqlUrl: string): string {
  return new URL('/health', graphqlUrl).toString();
}

/** Asks every subgraph's /health at once; any that fails or is late is unavailable. */
export async function checkSubgraphs(
  subgraphs: SupergraphSubgraph[],
  fetcher: (
    url: string,
    init: { signal: AbortSignal },
  ) => Promise<{ ok: boolean; body?: unknown; text(): Promise<string> }>,
  timeoutMs: number,
): Promise<HealthReport> {
  const results = await Promise.all(
    subgraphs.map(async (subgraph) => {
      try {
        const response = await fetcher(healthUrlOf(subgraph.url), {
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.text();
        return [subgraph.name, response.ok ? 'ok' : 'unavailable'] as const;
      } catch {
        return [subgraph.name, 'unavailable'] as const;
      }
    }),
  );
  const report = Object.fromEntries(results);
  return {
    status: results.every(([, state]) => state === 'ok') ? 'ok' : 'degraded',
    subgraphs: report,
  };
}
