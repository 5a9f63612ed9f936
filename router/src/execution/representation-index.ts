import type { ResultObject } from './result-tree';
import type { FieldVisitor } from './representations';

/** Where a representation ends at a branch that others continue from: its index. */
const END = Symbol('end');
/** A field whose value is an object or a list goes by its JSON text under this branch. */
const JSON_VALUE = Symbol('json');

/** A branch of the trie; a number where exactly one representation ends, its index. */
type Node = Map<unknown, Node | number>;

/**
 * The distinct representations of one entity fetch, found by their fields'
 * names and values in order: a trie of Maps, so finding one costs a lookup
 * per field on strings whose hash V8 keeps, where keying each by its JSON
 * text serialized and hashed every representation anew (with the Map
 * lookup, about two thirds of preparing an entity fetch on the gateway
 * benchmark's query). Equal means the same fields in the same order with the
 * same values, as the JSON texts were equal. A representation's last value
 * holds its index itself rather than a Map of its own: one Map fewer per
 * distinct representation.
 */
export class RepresentationIndex {
  private readonly root: Node = new Map();
  private size = 0;
  // Where the walk of the representation being looked up stands (see `field`).
  private node: Node = this.root;
  /** The key of the last value walked, not yet descended from: there this representation ends. */
  private last: unknown = END;
  private typename: unknown;

  /** The index of an equal representation seen before; else the next index, now this one's. */
  indexOf(representation: ResultObject): number {
    this.begin();
    for (const name in representation) this.field(name, representation[name]);
    return this.end();
  }

  /**
   * `indexOf` of the representation whose fields `visit` names, without the
   * representation being built: -1 when there is none or it has no
   * `__typename` (nothing is then registered).
   */
  indexOfFields(entity: unknown, visit: FieldVisitor): number {
    this.begin();
    if (!visit(entity, this.field) || !this.typename) return -1;
    return this.end();
  }

  private begin(): void {
    this.node = this.root;
    this.last = END;
    this.typename = undefined;
  }

  /** Walks one more field of the representation looked up. */
  private readonly field = (name: string, value: unknown): void => {
    // Names and values alternate by level, so a name never meets a value.
    if (this.last !== END) this.node = branchOf(this.node, this.last);
    this.node = branchOf(this.node, name);
    if (name === '__typename') this.typename = value;
    if (typeof value === 'object' && value !== null) {
      this.node = branchOf(this.node, JSON_VALUE);
      this.last = JSON.stringify(value);
    } else {
      this.last = value;
    }
  };

  /** The index where the walk ended, registering the next one there if none was. */
  private end(): number {
    let node = this.node;
    const { last } = this;
    const end = node.get(last);
    if (typeof end === 'number') return end;
    if (end) node = end;
    else if (last !== END) {
      node.set(last, this.size);
      return this.size++;
    }
    const known = node.get(END) as number | undefined;
    if (known !== undefined) return known;
    node.set(END, this.size);
    return this.size++;
  }
}

/** The branch under `key`, made (keeping the index of a representation that ended there) if need be. */
function branchOf(node: Node, key: unknown): Node {
  const child = node.get(key);
  if (typeof child === 'object') return child;
  const branch: Node = new Map();
  if (child !== undefined) branch.set(END, child);
  node.set(key, branch);
  return branch;
}
