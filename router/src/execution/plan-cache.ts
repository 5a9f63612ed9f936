import type { QueryPlan } from '@apollo/query-planner';
import { LRUCache } from 'lru-cache';
import type { PlanStore } from './caches';

/** A plan as JSON text, without the parsed subgraph documents (the executor reads `operation`). */
export function serializePlan(plan: QueryPlan): string {
  return JSON.stringify(plan, (key, value: unknown) =>
    key === 'operationDocumentNode' ? undefined : value,
  );
}

export function parsePlan(text: string): QueryPlan | undefined {
  try {
    const plan = JSON.parse(text) as QueryPlan;
    return plan?.kind === 'QueryPlan' ? plan : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Prepared operations by `<schema hash>:<operation hash>:<operation name>`:
 * an in-memory LRU (lru-cache) in front of an optional shared PlanStore. On a miss the
 * plan comes from the store, or else from the planner and goes into the
 * store. Concurrent misses of one key wait for the same preparation. A store
 * that fails is treated as empty: plans can always be made again.
 */
export class PlanCache<Prepared> {
  private readonly entries: LRUCache<string, Promise<Prepared>>;

  constructor(
    maxEntries: number,
    private readonly store: PlanStore | undefined,
  ) {
    this.entries = new LRUCache({ max: maxEntries });
  }

  get(
    key: string,
    makePlan: () => QueryPlan,
    prepare: (plan: QueryPlan) => Prepared,
  ): Promise<Prepared> {
    const cached = this.entries.get(key);
    if (cached) return cached;
    const prepared = this.load(key, makePlan).then(prepare);
    prepared.catch(() => this.entries.delete(key));
    this.entries.set(key, prepared);
    return prepared;
  }

  get size(): number {
    return this.entries.size;
  }

  private async load(key: string, makePlan: () => QueryPlan): Promise<QueryPlan> {
    if (!this.store) return makePlan();
    const stored = await this.store.get(key).catch(() => undefined);
    const parsed = stored === undefined ? undefined : parsePlan(stored);
    if (parsed) return parsed;
    const plan = makePlan();
    // The request does not wait for the store: the plan is usable as soon as it is made.
    this.store.set(key, serializePlan(plan)).catch(() => undefined);
    return plan;
  }
}
