import type { Logger } from '@shop/platform';
import type { CachePolicy, FetchCache, SubgraphFetch } from '../execution/caches';
import type { EntityCacheMetrics } from '../observability/entity-cache-metrics';
import { entityKey, entityTag, rootKey } from './cache-keys';
import { entityTagsIn } from './entity-tags';
import type { EntryStore, StoredEntry } from './entry-store';

/** Only what a subgraph called public and reusable is kept, for as long as it said. */
function ttlOf(policy: CachePolicy): number | undefined {
  return policy.scope === 'PUBLIC' && policy.maxAgeSeconds > 0 ? policy.maxAgeSeconds : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  const value: unknown = JSON.parse(text);
  return isObject(value) ? value : undefined;
}

/**
 * The executor's FetchCache over an entry store. An entity entry is tagged
 * with the entity it answers for and every entity inside it, a root entry
 * with every entity inside it, so EntityInvalidation can drop them. A store
 * that fails answers "missing" and keeps nothing; the failure is logged once
 * until the store works again.
 */
export class StoredFetchCache implements FetchCache {
  private failing = false;

  constructor(
    private readonly store: EntryStore,
    private readonly log: Logger,
    private readonly metrics?: EntityCacheMetrics,
  ) {}

  async getEntities(
    fetch: SubgraphFetch,
    representations: readonly Record<string, unknown>[],
  ): Promise<(Record<string, unknown> | undefined)[]> {
    const keys = representations.map((representation) => entityKey(fetch, representation));
    const values = await this.attempt('read', () => this.store.getMany(keys));
    const entities = values ? values.map(parseObject) : keys.map(() => undefined);
    const hits = entities.filter((entity) => entity !== undefined).length;
    this.metrics?.lookups('entity', hits, entities.length - hits);
    return entities;
  }

  setEntities(
    fetch: SubgraphFetch,
    representations: readonly Record<string, unknown>[],
    entities: readonly unknown[],
    policy: CachePolicy,
  ): void {
    const ttlSeconds = ttlOf(policy);
    if (ttlSeconds === undefined) return;
    const entries: StoredEntry[] = [];
    representations.forEach((representation, index) => {
      const entity = entities[index];
      // Nothing found is not kept: the entity may exist by the next request.
      if (!isObject(entity)) return;
      const { __typename: typename, id } = representation;
      const own =
        typeof typename === 'string' && id !== undefined ? [entityTag(typename, String(id))] : [];
      entries.push({
        key: entityKey(fetch, representation),
        value: JSON.stringify(entity),
        ttlSeconds,
        tags: [...new Set([...own, ...entityTagsIn(entity)])],
      });
    });
    void this.attempt('write', () => this.store.set(entries));
  }

  async getRoot(fetch: SubgraphFetch): Promise<Record<string, unknown> | undefined> {
    const values = await this.attempt('read', () => this.store.getMany([rootKey(fetch)]));
    const data = parseObject(values?.[0]);
    this.metrics?.lookups('root', data ? 1 : 0, data ? 0 : 1);
    return data;
  }

  setRoot(fetch: SubgraphFetch, data: Record<string, unknown>, policy: CachePolicy): void {
    const ttlSeconds = ttlOf(policy);
    if (ttlSeconds === undefined) return;
    const entry = { key: rootKey(fetch), value: JSON.stringify(data), ttlSeconds };
    void this.attempt('write', () => this.store.set([{ ...entry, tags: entityTagsIn(data) }]));
  }

  private async attempt<T>(action: string, work: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await work();
      if (this.failing) this.log.info('entity cache works again');
      this.failing = false;
      return result;
    } catch (error) {
      if (!this.failing) {
        this.log.warn({ err: error, action }, 'entity cache failed; answering from subgraphs');
      }
      this.failing = true;
      return undefined;
    }
  }
}
