import {
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLFormattedError,
  type GraphQLOutputType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Identity } from '@shop/identity';
import {
  mergeRequirements,
  refusalFor,
  type AuthRequirements,
  type Requirement,
} from './requirements';
import { fragmentsByName } from '../documents/fragments-by-name';

/** What the caller may not see of one operation, and the operation that remains. */
export interface Authorization {
  /** The operation to execute, or null when nothing of it may run. */
  document: DocumentNode | null;
  /** One error per refused field, with the contract's code (but those of `deferredErrors`). */
  errors: GraphQLFormattedError[];
  /**
   * The errors of refusals answered in a deferred fragment, by the
   * placeholder that answers them: they belong to the part where that
   * placeholder appears, when the fragment is delivered in a part of its own.
   */
  deferredErrors: Map<string, GraphQLFormattedError[]>;
  /** Placeholder alias -> what to answer with null where it appears. */
  placeholders: Map<string, Placeholder>;
  /** With document null: the root keys to answer null, or null for `data: null`. */
  rootNulls: string[] | null;
  /** A stable description of what was removed, to keep query-plan caches apart. */
  signature: string;
}

interface Frame {
  node: FieldNode;
  type: GraphQLOutputType;
  key: string;
  /** Inside a fragment with @defer. */
  deferred: boolean;
}

/**
 * Where a refusal's null lands: a field (replaced by a placeholder, answered
 * `key: null`), or the items of a list field whose items are nullable (the
 * item's selection replaced by a placeholder, each item answered null).
 */
export type Placeholder = { nulls: 'field'; key: string } | { nulls: 'item' };

interface Target {
  node: FieldNode;
  nulls: 'field' | 'item';
  deferred: boolean;
}

const PLACEHOLDER_PREFIX = '__authz_';

/**
 * Enforces @authenticated and @requiresScopes before execution, as Apollo
 * documents it: refused fields are removed from the operation, answered with
 * null and an error each; a refused non-null field nulls its nearest nullable
 * ancestor (GraphQL's own null propagation). Returns undefined when nothing
 * is refused, which is the common case and costs one walk of the operation.
 */
export function authorizeOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  identity: Identity,
  requirements: AuthRequirements,
): Authorization | undefined {
  if (requirements.fields.size === 0 && requirements.types.size === 0) return undefined;
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      (!operationName || definition.name?.value === operationName),
  );
  const rootType = operation && schema.getRootType(operation.operation);
  if (!operation || !rootType) return undefined;

  const fragments = fragmentsByName(document);
  const inlined: OperationDefinitionNode = {
    ...operation,
    selectionSet: inlineFragments(operation.selectionSet, fragments),
  };

  const errors: GraphQLFormattedError[] = [];
  const removals = new Map<FieldNode, Target['nulls']>();
  const errorsOfDeferredTargets = new Map<FieldNode, GraphQLFormattedError[]>();
  let wholeDataNull = false;

  const walk = (
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType,
    ancestors: Frame[],
    deferred: boolean,
  ): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parent;
        if (condition && isCompositeType(condition))
          walk(selection.selectionSet, condition, ancestors, deferred || defers(selection));
        continue;
      }
      if (selection.kind !== Kind.FIELD || selection.name.value.startsWith('__')) continue;
      if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
      const definition = parent.getFields()[selection.name.value];
      if (!definition) continue;
      const frame: Frame = {
        node: selection,
        type: definition.type,
        key: selection.alias?.value ?? selection.name.value,
        deferred,
      };
      const refusal = refusalFor(
        requirementFor(schema, requirements, parent, definition.name, definition.type),
        identity,
      );
      if (refusal) {
        const path = [...ancestors, frame].map((ancestor) => ancestor.key);
        const error = {
          message: `Not allowed to see ${parent.name}.${definition.name}`,
          path,
          extensions: { code: refusal },
        };
        errors.push(error);
        const target = nullTarget([...ancestors, frame]);
        if (target?.deferred) {
          const ofTarget = errorsOfDeferredTargets.get(target.node) ?? [];
          ofTarget.push(error);
          errorsOfDeferredTargets.set(target.node, ofTarget);
        }
        // A field nulled already wins over nulling items inside it.
        if (target && removals.get(target.node) !== 'field')
          removals.set(target.node, target.nulls);
        else if (!target) wholeDataNull = true;
        continue;
      }
      const named = getNamedType(definition.type);
      if (selection.selectionSet && isCompositeType(named))
        walk(selection.selectionSet, named, [...ancestors, frame], deferred);
    }
  };
  walk(inlined.selectionSet, rootType, [], false);

  if (errors.length === 0) return undefined;
  const signature = errors.map((error) => error.path?.join('.')).join('|');
  // Nothing runs: every error is answered at once.
  const deferredErrors = new Map<string, GraphQLFormattedError[]>();
  if (wholeDataNull)
    return {
      document: null,
      errors,
      deferredErrors,
      placeholders: new Map(),
      rootNulls: null,
      signature,
    };

  const placeholders = new Map<string, Placeholder>();
  const placeholderFor = (placeholder: Placeholder, target: FieldNode): FieldNode => {
    const alias = `${PLACEHOLDER_PREFIX}${placeholders.size}`;
    placeholders.set(alias, placeholder);
    const ofTarget = errorsOfDeferredTargets.get(target);
    if (ofTarget) deferredErrors.set(alias, ofTarget);
    return {
      kind: Kind.FIELD,
      alias: { kind: Kind.NAME, value: alias },
      name: { kind: Kind.NAME, value: '__typename' },
    };
  };
  const rewritten = visit(inlined, {
    Field(node) {
      const nulls = removals.get(node);
      if (nulls === 'field')
        return placeholderFor({ nulls, key: node.alias?.value ?? node.name.value }, node);
      if (nulls === 'item') {
        return {
          ...node,
          selectionSet: {
            kind: Kind.SELECTION_SET,
            selections: [placeholderFor({ nulls }, node)],
          },
        };
      }
      return undefined;
    },
  });

  const rootPlaceholders = responseKeys(rewritten.selectionSet).map((key) => placeholders.get(key));
  if (rootPlaceholders.every((placeholder) => placeholder?.nulls === 'field')) {
    return {
      document: null,
      errors,
      deferredErrors: new Map(),
      placeholders,
      rootNulls: rootPlaceholders.map((placeholder) => (placeholder as { key: string }).key),
      signature,
    };
  }
  const deferred = new Set([...deferredErrors.values()].flat());
  return {
    document: { kind: Kind.DOCUMENT, definitions: [rewritten] },
    errors: errors.filter((error) => !deferred.has(error)),
    deferredErrors,
    placeholders,
    rootNulls: null,
    signature,
  };
}

/** Whether a fragment is deferred (an `if: false` keeps it in its parent's part). */
function defers(fragment: InlineFragmentNode): boolean {
  const directive = fragment.directives?.find((node) => node.name.value === 'defer');
  const condition = directive?.arguments?.find((argument) => argument.name.value === 'if');
  return !!directive && !(condition?.value.kind === Kind.BOOLEAN && !condition.value.value);
}

/**
 * The response with each placeholder answered: the refused key set to null
 * where the placeholder stands (keeping the operation's key order), or the
 * whole list item null.
 */
export function answerRefusals(
  data: unknown,
  placeholders: Map<string, Placeholder>,
  /** Told each placeholder answered. */
  answered?: (alias: string) => void,
): unknown {
  if (Array.isArray(data)) return data.map((item) => answerRefusals(item, placeholders, answered));
  if (data === null || typeof data !== 'object') return data;
  const entries = Object.entries(data);
  const item = entries.find(([key]) => placeholders.get(key)?.nulls === 'item');
  if (item) {
    answered?.(item[0]);
    return null;
  }
  return Object.fromEntries(
    entries.map(([key, value]) => {
      const placeholder = placeholders.get(key);
      if (placeholder?.nulls !== 'field')
        return [key, answerRefusals(value, placeholders, answered)];
      answered?.(key);
      return [placeholder.key, null];
    }),
  );
}

/**
 * The nearest nullable place at or above a refused field, as GraphQL's null
 * propagation finds it: the field itself, else the list item holding it (when
 * the parent's items are nullable), else the parent field, and so on up;
 * undefined when only `data` itself can be null.
 */
function nullTarget(chain: Frame[]): Target | undefined {
  for (let index = chain.length - 1; index >= 0; index--) {
    const frame = chain[index]!;
    if (index < chain.length - 1 && hasNullableItems(frame.type))
      return { node: frame.node, nulls: 'item', deferred: frame.deferred };
    if (!isNonNullType(frame.type))
      return { node: frame.node, nulls: 'field', deferred: frame.deferred };
  }
  return undefined;
}

/** Whether the innermost items of a list type may be null. */
function hasNullableItems(type: GraphQLOutputType): boolean {
  let current: GraphQLOutputType = isNonNullType(type) ? type.ofType : type;
  if (!isListType(current)) return false;
  let item: GraphQLOutputType = current.ofType;
  for (;;) {
    current = isNonNullType(item) ? item.ofType : item;
    if (!isListType(current)) return !isNonNullType(item);
    item = current.ofType;
  }
}

function requirementFor(
  schema: GraphQLSchema,
  requirements: AuthRequirements,
  parent: GraphQLCompositeType,
  fieldName: string,
  fieldType: GraphQLOutputType,
): Requirement | undefined {
  let requirement = mergeRequirements(
    requirements.fields.get(`${parent.name}.${fieldName}`),
    requirements.types.get(getNamedType(fieldType).name),
  );
  // Through an interface, a field is as protected as its most protected implementation.
  if (isInterfaceType(parent)) {
    for (const implementation of schema.getPossibleTypes(parent)) {
      requirement = mergeRequirements(
        requirement,
        requirements.fields.get(`${implementation.name}.${fieldName}`),
      );
    }
  }
  return requirement;
}

/** Fragment spreads replaced by inline fragments, so every field has one place in the tree. */
function inlineFragments(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
): SelectionSetNode {
  return {
    ...selectionSet,
    selections: selectionSet.selections.map((selection) => {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment) return selection;
        return {
          kind: Kind.INLINE_FRAGMENT,
          typeCondition: fragment.typeCondition,
          directives: selection.directives,
          selectionSet: inlineFragments(fragment.selectionSet, fragments),
        };
      }
      if (selection.selectionSet) {
        return { ...selection, selectionSet: inlineFragments(selection.selectionSet, fragments) };
      }
      return selection;
    }),
  };
}

function responseKeys(selectionSet: SelectionSetNode): string[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection.alias?.value ?? selection.name.value];
    if (selection.kind === Kind.INLINE_FRAGMENT) return responseKeys(selection.selectionSet);
    return [];
  });
}
