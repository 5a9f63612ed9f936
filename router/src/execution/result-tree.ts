/**
 * The tree the fetches of one request merge their answers into, before the
 * response is shaped from it, and how plan paths walk it. Plain objects from
 * JSON: reads go through own properties only, so a field named like an
 * Object.prototype member (`constructor`) reads as the subgraph sent it.
 */
export type ResultObject = Record<string, unknown>;
export type ResponsePath = (string | number)[];

const hasOwnProperty = Object.prototype.hasOwnProperty;

export function getOwn(object: object, key: string): unknown {
  return hasOwnProperty.call(object, key) ? (object as ResultObject)[key] : undefined;
}

export function isObject(value: unknown): value is ResultObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Merges `source` into `target` as the gateway does: objects recursively,
 * lists of equal length element by element, anything else replaces. Keys
 * are walked with `for…in` (own ones only) rather than `Object.keys`, whose
 * array per merged object was 27 KiB of the 767 KiB the router allocated
 * per request on the gateway benchmark's query (sampling heap profile).
 */
export function deepMerge(target: ResultObject, source: unknown): void {
  if (source === undefined || source === null) return;
  const from = source as ResultObject;
  for (const key in from) {
    if (!hasOwnProperty.call(from, key)) continue;
    const value = from[key];
    if (value === undefined) continue;
    const existing = getOwn(target, key);
    if (existing && isObject(value)) {
      deepMerge(existing as ResultObject, value);
    } else if (
      Array.isArray(value) &&
      Array.isArray(existing) &&
      value.length === existing.length
    ) {
      for (let index = 0; index < value.length; index++) {
        const element: unknown = value[index];
        if (isObject(existing[index]) && isObject(element)) {
          deepMerge(existing[index] as ResultObject, element);
        } else {
          existing[index] = element;
        }
      }
    } else {
      target[key] = value;
    }
  }
}

/**
 * One element of a Flatten path: a field, `@` (every element of a list), and
 * optionally `|[A,B]` (only objects whose `__typename` is one of those, as the
 * planner writes paths when type-conditioned fetching is on).
 */
export interface PathStep {
  key: string;
  typenames: Set<string> | undefined;
}

export function compilePath(path: readonly string[]): PathStep[] {
  return path.map((element) => {
    const conditionStart = element.indexOf('|[');
    if (conditionStart < 0) return { key: element, typenames: undefined };
    const names = element.slice(conditionStart + 2, element.endsWith(']') ? -1 : undefined);
    return {
      key: element.slice(0, conditionStart),
      typenames: new Set(names.split(',').filter((name) => name !== '')),
    };
  });
}

function ofTypes(value: unknown, typenames: Set<string>): boolean {
  return isObject(value) && typenames.has(value.__typename as string);
}

/**
 * The value(s) a path leads to: with `@` in the path, one flat list of
 * everything it reaches (nulls included, as the gateway's flatMap keeps them).
 */
export function valuesAtPath(value: unknown, steps: readonly PathStep[]): unknown {
  if (!steps.some((step) => step.key === '@')) return valueAt(value, steps, 0);
  const values: unknown[] = [];
  collect(value, steps, 0, values);
  return values;
}

function valueAt(value: unknown, steps: readonly PathStep[], from: number): unknown {
  let current = value;
  for (let index = from; index < steps.length; index++) {
    if (current === undefined || current === null) return current;
    const { key, typenames } = steps[index]!;
    if (Array.isArray(current))
      throw new Error(`Unexpected array in result for path element ${key}`);
    if (key !== '') current = getOwn(current as object, key);
    if (typenames && !ofTypes(current, typenames)) return undefined;
  }
  return current;
}

function collect(value: unknown, steps: readonly PathStep[], from: number, into: unknown[]): void {
  if (from === steps.length) {
    if (Array.isArray(value)) for (const element of value) into.push(element);
    else into.push(value);
    return;
  }
  if (value === undefined || value === null) {
    into.push(value);
    return;
  }
  const { key, typenames } = steps[from]!;
  if (key !== '@') {
    if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${key}`);
    const next = key === '' ? value : getOwn(value as object, key);
    collect(typenames && !ofTypes(next, typenames) ? undefined : next, steps, from + 1, into);
    return;
  }
  if (!Array.isArray(value)) throw new Error(`Expected a list in the result at path element @`);
  for (const element of value) {
    if (!typenames || ofTypes(element, typenames)) collect(element, steps, from + 1, into);
  }
}

/**
 * Every concrete response path a Flatten path reaches (indexes for `@`), in
 * the order the entities of its fetch were collected, skipping nulls as the
 * gateway does: subgraph errors in `_entities` are rewritten with these.
 */
export function concretePaths(steps: readonly PathStep[], data: unknown): ResponsePath[] {
  const paths: ResponsePath[] = [];
  const walk = (prefix: ResponsePath, from: number, value: unknown): void => {
    if (value === undefined || value === null) return;
    if (from === steps.length) {
      paths.push(prefix.slice());
      return;
    }
    const { key } = steps[from]!;
    if (key === '@' || Array.isArray(value)) {
      if (!Array.isArray(value)) return;
      value.forEach((element: unknown, index) => {
        prefix.push(index);
        walk(prefix, key === '@' ? from + 1 : from, element);
        prefix.pop();
      });
      return;
    }
    if (key === '') return walk(prefix, from + 1, value);
    if (!hasOwnProperty.call(value, key)) return;
    prefix.push(key);
    walk(prefix, from + 1, (value as ResultObject)[key]);
    prefix.pop();
  };
  walk([], 0, data);
  return paths;
}
