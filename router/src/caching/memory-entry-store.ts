import { LRUCache } from 'lru-cache';
import type { EntryStore, StoredEntry } from './entry-store';

interface MemoryEntry {
  value: string;
  tags: readonly string[];
}

export interface MemoryEntryStoreLimits {
  maxEntries: number;
  /** Approximate: two bytes per character of key and value. */
  maxBytes: number;
}

/**
 * Entries in this process (the embedded mode, or a router without Redis), in
 * lru-cache: least recently used first out once either limit is passed, and
 * gone at their TTL. This class adds the tags, so a change of one entity
 * drops every entry that holds it; `onEvict` hears of each entry dropped for
 * the limits (router_entity_cache_evictions_total).
 */
export class MemoryEntryStore implements EntryStore {
  private readonly entries: LRUCache<string, MemoryEntry>;
  private readonly keysByTag = new Map<string, Set<string>>();

  constructor(limits: MemoryEntryStoreLimits, onEvict: () => void = () => undefined) {
    this.entries = new LRUCache<string, MemoryEntry>({
      max: limits.maxEntries,
      maxSize: limits.maxBytes,
      sizeCalculation: (entry, key) => 2 * (key.length + entry.value.length),
      // Whatever drops an entry (limits, TTL, replacement, invalidation) drops its tags.
      dispose: (entry, key, reason) => {
        this.untag(key, entry.tags);
        if (reason === 'evict') onEvict();
      },
    });
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    return keys.map((key) => this.entries.get(key)?.value);
  }

  async set(entries: readonly StoredEntry[]): Promise<void> {
    for (const { key, value, ttlSeconds, tags } of entries) {
      // An entry above maxBytes is not kept, and the one it replaces goes.
      this.entries.set(key, { value, tags }, { ttl: ttlSeconds * 1000 });
      if (!this.entries.has(key)) continue;
      for (const tag of tags) {
        let keys = this.keysByTag.get(tag);
        if (!keys) this.keysByTag.set(tag, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  async invalidate(tag: string): Promise<void> {
    for (const key of [...(this.keysByTag.get(tag) ?? [])]) this.entries.delete(key);
  }

  /** How many entries are held now, expired ones not yet dropped included. */
  get size(): number {
    return this.entries.size;
  }

  private untag(key: string, tags: readonly string[]): void {
    for (const tag of tags) {
      const keys = this.keysByTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.keysByTag.delete(tag);
    }
  }
}
