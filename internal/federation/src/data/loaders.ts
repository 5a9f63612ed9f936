import DataLoader from 'dataloader';

/**
 * A per-request DataLoader over "fetch these ids": one query per batch, the
 * results put back in key order, missing keys answered with null.
 */
export function keyedLoader<Key, Value>(
  fetch: (keys: readonly Key[]) => Promise<Value[]>,
  keyOf: (value: Value) => Key,
): DataLoader<Key, Value | null> {
  return new DataLoader<Key, Value | null>(async (keys) => {
    const found = new Map<Key, Value>();
    for (const value of await fetch(keys)) found.set(keyOf(value), value);
    return keys.map((key) => found.get(key) ?? null);
  });
}

/** Like keyedLoader, for one-to-many: every key gets the list of its values. */
export function groupedLoader<Key, Value>(
  fetch: (keys: readonly Key[]) => Promise<Value[]>,
  keyOf: (value: Value) => Key,
): DataLoader<Key, Value[]> {
  return new DataLoader<Key, Value[]>(async (keys) => {
    const groups = new Map<Key, Value[]>(keys.map((key) => [key, []]));
    for (const value of await fetch(keys)) groups.get(keyOf(value))?.push(value);
    return keys.map((key) => groups.get(key) ?? []);
  });
}
