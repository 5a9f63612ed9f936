import type { ResultObject } from './result-tree';

/** Where a trie path of field names and values ends: the index of that representation. */
const END = Symbol('end');
/** A field whose value is an object or a list goes by its JSON text under this branch. */
const JSON_VALUE = Symbol('json');

type Node = Map<unknown, Node | number>;

/**
 * The distinct representations of one entity fetch, found by their fields'
 * names and values in order: a trie of Maps, so finding one costs a lookup
 * per field on strings whose hash V8 keeps, where keying each by its JSON
 * text serialized and hashed every representation anew (with the Map
 * lookup, about two thirds of preparing an entity fetch on the gateway
 * benchmark's query). Equal means the same fields in the same order with the
 * same values, as the JSON texts were equal.
 */
export class RepresentationIndex {
  private readonly root: Node = new Map();
  private size = 0;

  /** The index of an equal representation seen before; else the next index, now this one's. */
  indexOf(representation: ResultObject): number {
    let node = this.root;
    for (const name in representation) {
      const value = representation[name];
      // Names and values alternate by level, so a name never meets a value.
      node = childOf(node, name);
      node =
        typeof value === 'object' && value !== null
          ? childOf(childOf(node, JSON_VALUE), JSON.stringify(value))
          : childOf(node, value);
    }
    const known = node.get(END) as number | undefined;
    if (known !== undefined) return known;
    node.set(END, this.size);
    return this.size++;
  }
}

function childOf(node: Node, key: unknown): Node {
  let child = node.get(key) as Node | undefined;
  if (!child) {
    child = new Map();
    node.set(key, child);
  }
  return child;
}
