import type { FetchDataRewrite } from '@apollo/query-planner';
import { getOwn, isObject, type ResultObject } from './result-tree';
import type { SupergraphTypeConditions } from './type-conditions';

/** Applies a fetch's input or output rewrites to a value, in place. */
export type Rewriter = (value: unknown) => void;

const FRAGMENT_PREFIX = '... on ';

type Step = { kind: 'field'; name: string } | { kind: 'type'; name: string };

/**
 * Compiles `inputRewrites` / `outputRewrites` once per plan: a ValueSetter
 * sets a field (e.g. `__typename` of an @interfaceObject representation), a
 * KeyRenamer moves a field the planner had to alias back to its name.
 */
export function compileRewrites(
  rewrites: readonly FetchDataRewrite[] | undefined,
  types: SupergraphTypeConditions,
): Rewriter | undefined {
  const compiled = (rewrites ?? []).flatMap((rewrite) => {
    const last = rewrite.path.at(-1);
    if (last === undefined) return [];
    if (last.startsWith(FRAGMENT_PREFIX)) {
      throw new Error(`Unexpected fragment as last element of ${rewrite.path.join(',')}`);
    }
    const steps: Step[] = rewrite.path
      .slice(0, -1)
      .map((element) =>
        element.startsWith(FRAGMENT_PREFIX)
          ? { kind: 'type', name: element.slice(FRAGMENT_PREFIX.length) }
          : { kind: 'field', name: element },
      );
    const apply =
      rewrite.kind === 'ValueSetter'
        ? (object: ResultObject) => {
            object[last] = rewrite.setValueTo;
          }
        : (object: ResultObject) => {
            const value = getOwn(object, last);
            if (value) {
              object[rewrite.renameKeyTo] = value;
              object[last] = undefined;
            }
          };
    return [(value: unknown) => applyAt(steps, 0, value, apply, types)];
  });
  if (compiled.length === 0) return undefined;
  return (value) => {
    for (const rewrite of compiled) rewrite(value);
  };
}

function applyAt(
  steps: readonly Step[],
  from: number,
  value: unknown,
  apply: (object: ResultObject) => void,
  types: SupergraphTypeConditions,
): void {
  if (Array.isArray(value)) {
    for (const element of value) applyAt(steps, from, element, apply, types);
    return;
  }
  if (!isObject(value)) return;
  if (from === steps.length) {
    apply(value);
    return;
  }
  const step = steps[from]!;
  if (step.kind === 'field') {
    applyAt(steps, from + 1, getOwn(value, step.name), apply, types);
  } else if (types.matches(value, step.name, true)) {
    applyAt(steps, from + 1, value, apply, types);
  }
}
