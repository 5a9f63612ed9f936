import type { QueryPlanSelectionNode } from '@apollo/query-planner';
import { deepMerge, getOwn, type ResultObject } from './result-tree';
import type { SupergraphTypeConditions } from './type-conditions';

/** Builds the representation of one entity for an `_entities` fetch, or null when it cannot. */
export type RepresentationBuilder = (entity: unknown) => ResultObject | null;

/**
 * Calls `field` with the name and value of each field the representation of
 * `entity` would have, in the order it would have them; false, and no call
 * made, when the representation would be null.
 */
export type FieldVisitor = (
  entity: unknown,
  field: (name: string, value: unknown) => void,
) => boolean;

/** A FieldVisitor on an entity known to be an object. */
type Visit = (source: ResultObject, field: (name: string, value: unknown) => void) => boolean;

/**
 * Writes what a selection picks out of `source` into `into`; false (and
 * nothing written) when a field it selects directly is missing.
 */
type SelectionWriter = (source: ResultObject, into: ResultObject) => boolean;

/**
 * Compiles a fetch's `requires` selection once per plan into a function that
 * picks the key and required fields out of an entity of the result tree, as
 * the gateway does: a required field that is missing makes the whole
 * representation null (the entity is then not sent), and one missing inside
 * an inline fragment leaves that fragment's fields out.
 */
export function compileRepresentation(
  selections: readonly QueryPlanSelectionNode[],
  types: SupergraphTypeConditions,
): RepresentationBuilder {
  const write = compileSelections(selections, types);
  return (entity) => buildWith(write, entity);
}

function buildWith(write: SelectionWriter, entity: unknown): ResultObject | null {
  if (entity === null || entity === undefined) return null;
  const representation: ResultObject = {};
  return write(entity as ResultObject, representation) ? representation : null;
}

/**
 * Every field a selection names directly is checked before anything is
 * written, so an inline fragment's fields go straight into the
 * representation: building a separate object per fragment and merging it
 * was a fifth of the representations' cost (the planner wraps every
 * `requires` in `... on Type`).
 */
function compileSelections(
  selections: readonly QueryPlanSelectionNode[],
  types: SupergraphTypeConditions,
): SelectionWriter {
  const required: string[] = [];
  const writers = selections.flatMap(
    (selection): ((source: ResultObject, into: ResultObject) => void)[] => {
      if (selection.kind === 'Field') {
        const responseName = selection.alias ?? selection.name;
        required.push(responseName);
        const nested = selection.selections
          ? compileSelections(selection.selections, types)
          : undefined;
        return [
          (source, into) => {
            const value = getOwn(source, responseName);
            if (!nested) return put(into, responseName, value);
            put(
              into,
              responseName,
              Array.isArray(value)
                ? value.map((element) => buildWith(nested, element))
                : buildWith(nested, value),
            );
          },
        ];
      }
      const { typeCondition } = selection;
      // The gateway skips an inline fragment without a type condition entirely.
      if (!typeCondition) return [];
      const fragment = compileSelections(selection.selections, types);
      return [
        (source, into) => {
          if (types.matches(source, typeCondition, false)) fragment(source, into);
        },
      ];
    },
  );
  return (source, into) => {
    for (const name of required) if (getOwn(source, name) === undefined) return false;
    for (const writer of writers) writer(source, into);
    return true;
  };
}

/** Sets a field as merging a separate object with it would (objects already there merge). */
function put(into: ResultObject, key: string, value: unknown): void {
  if (typeof value === 'object' && value !== null && getOwn(into, key) !== undefined) {
    deepMerge(into, { [key]: value });
  } else {
    into[key] = value;
  }
}

/**
 * The fields of an entity's representation without building it, for a
 * `requires` selection of leaf fields only (in inline fragments or not), each
 * response name once: then the representation has exactly the fields visited,
 * in that order, so finding whether an equal one was sent needs no object.
 * On the gateway benchmark's query every entity fetch is of that kind, and 61
 * of its 370 entities have a representation of their own: building the 309
 * others only to find them known was most of what preparing a fetch
 * allocated. Undefined for any other selection, whose representations are
 * built and compared.
 */
export function compileFieldVisitor(
  selections: readonly QueryPlanSelectionNode[],
  types: SupergraphTypeConditions,
): FieldVisitor | undefined {
  const visit = compileVisit(selections, types, new Set());
  return (
    visit &&
    ((entity, field) =>
      entity !== null && entity !== undefined && visit(entity as ResultObject, field))
  );
}

/** As compileSelections writes, visiting instead; undefined for a nested selection or a name seen before. */
function compileVisit(
  selections: readonly QueryPlanSelectionNode[],
  types: SupergraphTypeConditions,
  names: Set<string>,
): Visit | undefined {
  const required: string[] = [];
  const visits: Visit[] = [];
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const responseName = selection.alias ?? selection.name;
      if (selection.selections || names.has(responseName)) return undefined;
      names.add(responseName);
      required.push(responseName);
      visits.push((source, field) => {
        field(responseName, getOwn(source, responseName));
        return true;
      });
      continue;
    }
    const { typeCondition } = selection;
    if (!typeCondition) continue;
    const fragment = compileVisit(selection.selections, types, names);
    if (!fragment) return undefined;
    visits.push(
      (source, field) => types.matches(source, typeCondition, false) && fragment(source, field),
    );
  }
  return (source, field) => {
    for (const name of required) if (getOwn(source, name) === undefined) return false;
    for (const visit of visits) visit(source, field);
    return true;
  };
}
