import type { QueryPlanSelectionNode } from '@apollo/query-planner';
import { deepMerge, getOwn, type ResultObject } from './result-tree';
import type { SupergraphTypeConditions } from './type-conditions';

/** Builds the representation of one entity for an `_entities` fetch, or null when it cannot. */
export type RepresentationBuilder = (entity: unknown) => ResultObject | null;

/**
 * Compiles a fetch's `requires` selection once per plan into a function that
 * picks the key and required fields out of an entity of the result tree, as
 * the gateway does: a required field that is missing makes the whole
 * representation null (the entity is then not sent).
 */
export function compileRepresentation(
  selections: readonly QueryPlanSelectionNode[],
  types: SupergraphTypeConditions,
): RepresentationBuilder {
  const steps = selections.flatMap(
    (selection): ((source: ResultObject, into: ResultObject) => boolean)[] => {
      if (selection.kind === 'Field') {
        const responseName = selection.alias ?? selection.name;
        const nested = selection.selections
          ? compileRepresentation(selection.selections, types)
          : undefined;
        return [
          (source, into) => {
            const value = getOwn(source, responseName);
            if (value === undefined) return false;
            if (Array.isArray(value)) {
              into[responseName] = nested ? value.map(nested) : value;
            } else {
              into[responseName] = nested ? nested(value) : value;
            }
            return true;
          },
        ];
      }
      const { typeCondition } = selection;
      // The gateway skips an inline fragment without a type condition entirely.
      if (!typeCondition) return [];
      const nested = compileRepresentation(selection.selections, types);
      return [
        (source, into) => {
          if (types.matches(source, typeCondition, false)) deepMerge(into, nested(source));
          return true;
        },
      ];
    },
  );
  return (entity) => {
    if (entity === null || entity === undefined) return null;
    const representation: ResultObject = {};
    for (const step of steps) {
      if (!step(entity as ResultObject, representation)) return null;
    }
    return representation;
  };
}
