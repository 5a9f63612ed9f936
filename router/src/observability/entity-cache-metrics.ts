import { Counter, type Registry } from 'prom-client';

/** What the entity cache reports: lookups by kind of entry and result, and evictions. */
export interface EntityCacheMetrics {
  lookups(kind: 'entity' | 'root', hits: number, misses: number): void;
  /** Entries dropped to stay within the in-memory store's limits (not by TTL or invalidation). */
  evicted(): void;
}

export function entityCacheMetrics(registry: Registry | undefined): EntityCacheMetrics | undefined {
  if (!registry) return undefined;
  const lookups = new Counter({
    name: 'router_entity_cache_lookups_total',
    help: 'Entity cache lookups, by kind of entry (entity, root) and result (hit, miss)',
    labelNames: ['kind', 'result'],
    registers: [registry],
  });
  const evictions = new Counter({
    name: 'router_entity_cache_evictions_total',
    help: "Entries the in-memory entity cache dropped to stay within its limits (Redis's are Redis's own)",
    registers: [registry],
  });
  for (const kind of ['entity', 'root'] as const) {
    for (const result of ['hit', 'miss'] as const) lookups.inc({ kind, result }, 0);
  }
  evictions.inc(0);
  return {
    lookups(kind, hits, misses) {
      if (hits > 0) lookups.inc({ kind, result: 'hit' }, hits);
      if (misses > 0) lookups.inc({ kind, result: 'miss' }, misses);
    },
    evicted: () => evictions.inc(),
  };
}
