/**
 * Where cached subgraph answers live, as text: in this process or in Redis.
 * Every entry carries the tags of the entities it holds, so a change of one
 * entity drops every entry that holds it.
 */
export interface EntryStore {
  /** One value per key, undefined where missing or expired. */
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  set(entries: readonly StoredEntry[]): Promise<void>;
  /** Drops every entry tagged `tag`. */
  invalidate(tag: string): Promise<void>;
}

export interface StoredEntry {
  key: string;
  value: string;
  ttlSeconds: number;
  tags: readonly string[];
}
