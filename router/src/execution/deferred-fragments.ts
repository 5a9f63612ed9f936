import {
  Kind,
  visit,
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type InlineFragmentNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { fragmentsByName } from '../documents/fragments-by-name';

const DEFER = 'defer';
/** The label of a fragment the client deferred without one: never shown to the client. */
const GENERATED_LABEL_PREFIX = '__defer_';

/** Where a deferred fragment sits: the response keys and type conditions from the root. */
export type FragmentLocation = readonly LocationStep[];
export type LocationStep = { key: string } | { typeCondition: string };

/** What a deferred fragment's part is shaped with. */
export interface DeferredFragment {
  /** The root-to-fragment path of the operation with only this fragment's fields at its end. */
  document: DocumentNode;
  location: FragmentLocation;
  /** The fragment's own response keys, as the client names them. */
  keys: ReadonlySet<string>;
}

/** Whether an operation defers anything (a cheap look before any rewriting). */
export function hasDefer(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.name.value !== DEFER) return undefined;
      found = true;
      return false;
    },
  });
  return found;
}

/**
 * The operation without its @defer directives: for a client that takes the
 * whole answer at once, planned as if never deferred. Answering it from the
 * deferred plan run back to back made the storefront's product page wait
 * for its reviews' fetch after the rest (four levels of calls instead of two).
 */
export function undeferred(document: DocumentNode): DocumentNode {
  return visit(document, {
    Directive(node) {
      return node.name.value === DEFER ? null : undefined;
    },
  });
}

/**
 * The operation with its fragment spreads inlined and every @defer labelled:
 * the planner names a deferred block by its label, which is how a block of
 * the plan finds its fragment in the operation (labels the planner makes up
 * itself are not in the plan). A spread is inlined so each place a deferred
 * fragment is used is a fragment of its own.
 */
export function labelDeferredFragments(document: DocumentNode): DocumentNode {
  const fragments = fragmentsByName(document);
  const taken = new Set<string>();
  visit(document, {
    Directive(node) {
      const label = labelOf(node);
      if (node.name.value === DEFER && label) taken.add(label);
    },
  });
  let generated = 0;
  const nextLabel = () => {
    let label: string;
    do label = `${GENERATED_LABEL_PREFIX}${generated++}`;
    while (taken.has(label));
    return label;
  };
  const labelled = (directives: readonly DirectiveNode[] | undefined) =>
    directives?.map((directive) =>
      directive.name.value !== DEFER || labelOf(directive) !== undefined
        ? directive
        : {
            ...directive,
            arguments: [...(directive.arguments ?? []), labelArgument(nextLabel())],
          },
    );
  const inline = (selectionSet: SelectionSetNode): SelectionSetNode => ({
    ...selectionSet,
    selections: selectionSet.selections.map((selection): SelectionNode => {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment) return selection;
        return {
          kind: Kind.INLINE_FRAGMENT,
          typeCondition: fragment.typeCondition,
          directives: labelled(selection.directives),
          selectionSet: inline(fragment.selectionSet),
        };
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        return {
          ...selection,
          directives: labelled(selection.directives),
          selectionSet: inline(selection.selectionSet),
        };
      }
      return selection.selectionSet
        ? { ...selection, selectionSet: inline(selection.selectionSet) }
        : selection;
    }),
  });
  // Every spread is inlined: the fragment definitions are used no more.
  return {
    kind: Kind.DOCUMENT,
    definitions: document.definitions.flatMap((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION
        ? [{ ...definition, selectionSet: inline(definition.selectionSet) }]
        : [],
    ),
  };
}

/** The label the client gave a deferred fragment, undefined when it is one the router made up. */
export function clientLabel(label: string): string | undefined {
  return label.startsWith(GENERATED_LABEL_PREFIX) ? undefined : label;
}

/** The operation without the fragments deferred under `labels`: what the initial part answers. */
export function withoutDeferred(document: DocumentNode, labels: ReadonlySet<string>): DocumentNode {
  return visit(document, {
    InlineFragment: (node) => (isDeferredUnder(node, labels) ? null : undefined),
  });
}

/**
 * One deferred fragment of a labelled operation (labelDeferredFragments) as
 * an operation of its own: the fields from the root down to the fragment,
 * each with only the next step of the way, and the fragment's selections,
 * without the fragments deferred in it (`labels`: they are parts of their own).
 * `renamed` maps the executor's aliases back to the client's names.
 */
export function deferredFragment(
  document: DocumentNode,
  label: string,
  labels: ReadonlySet<string>,
  renamed: ReadonlyMap<string, string> | undefined,
): DeferredFragment | undefined {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const found = pathTo(definition.selectionSet, label, labels, renamed);
    if (!found) continue;
    return {
      document: { kind: Kind.DOCUMENT, definitions: [{ ...definition, selectionSet: found.kept }] },
      location: found.location,
      keys: found.keys,
    };
  }
  return undefined;
}

interface Found {
  kept: SelectionSetNode;
  location: LocationStep[];
  keys: Set<string>;
}

function pathTo(
  selectionSet: SelectionSetNode,
  label: string,
  labels: ReadonlySet<string>,
  renamed: ReadonlyMap<string, string> | undefined,
): Found | undefined {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const directive = deferDirectiveOf(selection);
      if (directive && labelOf(directive) === label) {
        const own = withoutDeferredIn(selection.selectionSet, labels);
        return {
          kept: {
            kind: Kind.SELECTION_SET,
            selections: [{ ...selection, directives: withoutDefer(selection), selectionSet: own }],
          },
          location: selection.typeCondition
            ? [{ typeCondition: selection.typeCondition.name.value }]
            : [],
          keys: responseKeys(own, renamed),
        };
      }
      const inner = pathTo(selection.selectionSet, label, labels, renamed);
      if (!inner) continue;
      return {
        kept: {
          kind: Kind.SELECTION_SET,
          selections: [{ ...selection, selectionSet: inner.kept }],
        },
        location: selection.typeCondition
          ? [{ typeCondition: selection.typeCondition.name.value }, ...inner.location]
          : inner.location,
        keys: inner.keys,
      };
    }
    if (selection.kind !== Kind.FIELD || !selection.selectionSet) continue;
    const inner = pathTo(selection.selectionSet, label, labels, renamed);
    if (!inner) continue;
    const key = selection.alias?.value ?? selection.name.value;
    return {
      kept: { kind: Kind.SELECTION_SET, selections: [{ ...selection, selectionSet: inner.kept }] },
      location: [{ key: renamed?.get(key) ?? key }, ...inner.location],
      keys: inner.keys,
    };
  }
  return undefined;
}

function withoutDeferredIn(
  selectionSet: SelectionSetNode,
  labels: ReadonlySet<string>,
): SelectionSetNode {
  const kept = visit(selectionSet, {
    InlineFragment: (node) => (isDeferredUnder(node, labels) ? null : undefined),
  });
  // A fragment of only deferred fragments still needs a selection to be an operation.
  return kept.selections.length > 0
    ? kept
    : {
        kind: Kind.SELECTION_SET,
        selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }],
      };
}

function responseKeys(
  selectionSet: SelectionSetNode,
  renamed: ReadonlyMap<string, string> | undefined,
): Set<string> {
  const keys = new Set<string>();
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      keys.add(renamed?.get(key) ?? key);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      for (const key of responseKeys(selection.selectionSet, renamed)) keys.add(key);
    }
  }
  return keys;
}

function isDeferredUnder(node: InlineFragmentNode, labels: ReadonlySet<string>): boolean {
  const directive = deferDirectiveOf(node);
  const label = directive && labelOf(directive);
  return label !== undefined && labels.has(label);
}

function deferDirectiveOf(node: InlineFragmentNode): DirectiveNode | undefined {
  return node.directives?.find((directive) => directive.name.value === DEFER);
}

function withoutDefer(node: InlineFragmentNode): DirectiveNode[] {
  return (node.directives ?? []).filter((directive) => directive.name.value !== DEFER);
}

function labelOf(directive: DirectiveNode): string | undefined {
  const label = directive.arguments?.find((argument) => argument.name.value === 'label');
  return label?.value.kind === Kind.STRING ? label.value.value : undefined;
}

function labelArgument(label: string): ArgumentNode {
  return {
    kind: Kind.ARGUMENT,
    name: { kind: Kind.NAME, value: 'label' },
    value: { kind: Kind.STRING, value: label },
  };
}
