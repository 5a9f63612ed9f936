/**
 * The values of the last few keys remembered, found by `===`: an object by
 * identity, a string by its text. Holding only the last few bounds how long
 * a value outlives its use, which a WeakMap does not: its values stay for as
 * long as the collector has not yet found their keys dead, which under load
 * is past a scavenge or two, so they are promoted (see stringify-result.ts).
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
