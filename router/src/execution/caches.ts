/**
 * The seams between the router's executor and its caches. The executor
 * (router/src/execution) calls these; the implementations (in memory for the
 * embedded mode, Redis when REDIS_URL is set) live in router/src/caching.
 */

/** One call the executor is about to make to a subgraph. */
export interface SubgraphFetch {
  subgraph: string;
  /** The operation text sent to the subgraph, as the query planner wrote it. */
  operation: string;
  /** Its variables, without `representations` for an `_entities` fetch. */
  variables: Record<string, unknown>;
}

/**
 * How long a subgraph says its answer may be reused, from its `cache-control`
 * response header (`max-age=60, public`). Only PUBLIC answers with a max age
 * above 0 are ever cached: a subgraph that says nothing, says `private` or
 * answers with errors is never cached, so one user's data never reaches another.
 */
export interface CachePolicy {
  maxAgeSeconds: number;
  scope: 'PUBLIC' | 'PRIVATE';
}

/**
 * Public entity data per subgraph, entity and field set, for query operations
 * only (never mutations). Lookups never throw: a cache that cannot answer
 * answers "missing". The executor hands `setEntities`/`setRoot` copies it never
 * touches again and copies what `getEntities`/`getRoot` answer before merging
 * them into a response, so an implementation may keep and return references.
 * It calls `set*` only for answers without errors under a PUBLIC policy with
 * a max age above 0, and a response served partly from the cache is not
 * cacheable over HTTP (how long the cached part stays fresh is not known).
 */
export interface FetchCache {
  /** For each representation of an `_entities` fetch, its cached entity or undefined. */
  getEntities(
    fetch: SubgraphFetch,
    representations: readonly Record<string, unknown>[],
  ): Promise<(Record<string, unknown> | undefined)[]>;
  /** Stores the entities a subgraph answered for `representations` (same order). */
  setEntities(
    fetch: SubgraphFetch,
    representations: readonly Record<string, unknown>[],
    entities: readonly unknown[],
    policy: CachePolicy,
  ): void;
  /** The cached `data` of a root-field fetch (e.g. `product(id:)`), or undefined. */
  getRoot(fetch: SubgraphFetch): Promise<Record<string, unknown> | undefined>;
  setRoot(fetch: SubgraphFetch, data: Record<string, unknown>, policy: CachePolicy): void;
}

/**
 * Query plans by `<schema hash>:<operation hash>:<operation name>`, as JSON
 * text, so a plan survives in a store shared by router instances (a new
 * instance starts warm). The executor keeps its own in-memory LRU in front.
 */
export interface PlanStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, serializedPlan: string): Promise<void>;
}
