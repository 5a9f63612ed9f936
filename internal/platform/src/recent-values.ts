/**
 * The values of the last few keys remembered, found by `===`: an object by
 * identity, a string by its text. Keys and values are held until they are
 * among the oldest: a value lives a few uses past its last, which a WeakMap
 * did not bound (its texts outlived their keys' scavenges and were promoted;
 * router/src/execution/stringify-result.ts).
 */
export class RecentValues<Key, Value> {
  private readonly entries: { key: Key; value: Value }[] = [];

  constructor(private readonly limit: number) {}

  get(key: Key): Value | undefined {
    // A loop, not `find`: no closure per lookup on a response's hot path.
    for (const entry of this.entries) if (entry.key === key) return entry.value;
    return undefined;
  }

  /** Remembers `value` for `key` as the most recent, forgetting the oldest beyond the limit. */
  remember(key: Key, value: Value): void {
    this.entries.unshift({ key, value });
    if (this.entries.length > this.limit) this.entries.pop();
  }
}
