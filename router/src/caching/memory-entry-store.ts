import type { EntryStore, StoredEntry } from './entry-store';

interface MemoryEntry {
  value: string;
  expiresAt: number;
  tags: readonly string[];
  bytes: number;
}

export interface MemoryEntryStoreLimits {
  maxEntries: number;
  /** Approximate: two bytes per character of key and value. */
  maxBytes: number;
}

/**
 * Entries in this process (the embedded mode, or a router without Redis):
 * least recently used first out once either limit is passed, and gone at
 * their TTL.
 */
export class MemoryEntryStore implements EntryStore {
  /** In use order: a Map iterates in insertion order, and a read re-inserts. */
  private readonly entries = new Map<string, MemoryEntry>();
  private readonly keysByTag = new Map<string, Set<string>>();
  private bytes = 0;

  constructor(
    private readonly limits: MemoryEntryStoreLimits,
    private readonly now: () => number = Date.now,
  ) {}

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    return keys.map((key) => this.get(key));
  }

  async set(entries: readonly StoredEntry[]): Promise<void> {
    for (const { key, value, ttlSeconds, tags } of entries) {
      this.delete(key);
      const entry: MemoryEntry = {
        value,
        expiresAt: this.now() + ttlSeconds * 1000,
        tags,
        bytes: 2 * (key.length + value.length),
      };
      if (entry.bytes > this.limits.maxBytes) continue;
      this.entries.set(key, entry);
      this.bytes += entry.bytes;
      for (const tag of tags) {
        let keys = this.keysByTag.get(tag);
        if (!keys) this.keysByTag.set(tag, (keys = new Set()));
        keys.add(key);
      }
      this.evictBeyondLimits();
    }
  }

  async invalidate(tag: string): Promise<void> {
    for (const key of this.keysByTag.get(tag) ?? []) this.delete(key);
  }

  /** How many entries are held now, expired ones not yet dropped included. */
  get size(): number {
    return this.entries.size;
  }

  private get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  private evictBeyondLimits(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.limits.maxEntries && this.bytes <= this.limits.maxBytes) return;
      this.delete(key);
    }
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
    for (const tag of entry.tags) {
      const keys = this.keysByTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.keysByTag.delete(tag);
    }
  }
}
