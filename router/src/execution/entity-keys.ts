import { Kind, parse, type ConstValueNode, type DirectiveNode } from 'graphql';
import type {
  PlanNode,
  QueryPlan,
  QueryPlanSelectionNode,
  SubscriptionNode,
} from '@apollo/query-planner';

/** Per subgraph and entity type, its keys: the top-level fields of each, and whether it resolves. */
export type EntityKeys = ReadonlyMap<
  string,
  ReadonlyMap<string, { fields: string[]; resolvable: boolean }[]>
>;

const argument = (directive: DirectiveNode, name: string): ConstValueNode | undefined =>
  directive.arguments?.find((arg) => arg.name.value === name)?.value as ConstValueNode | undefined;

/** The keys every subgraph declares (`@join__type(graph:, key:, resolvable:)` of the supergraph). */
export function entityKeysOf(supergraphSdl: string): EntityKeys {
  const document = parse(supergraphSdl);
  const subgraphOf = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') {
      continue;
    }
    for (const value of definition.values ?? []) {
      const graph = value.directives?.find((directive) => directive.name.value === 'join__graph');
      const name = graph && argument(graph, 'name');
      if (name?.kind === Kind.STRING) subgraphOf.set(value.name.value, name.value);
    }
  }
  const keys = new Map<string, Map<string, { fields: string[]; resolvable: boolean }[]>>();
  for (const definition of document.definitions) {
    if (!('directives' in definition) || !('name' in definition) || !definition.name) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'join__type') continue;
      const graph = argument(directive, 'graph');
      const key = argument(directive, 'key');
      if (graph?.kind !== Kind.ENUM || key?.kind !== Kind.STRING) continue;
      const subgraph = subgraphOf.get(graph.value) ?? graph.value;
      const resolvable = argument(directive, 'resolvable');
      const { definitions } = parse(`{ ${key.value} }`);
      const [fieldSet] = definitions;
      if (fieldSet?.kind !== Kind.OPERATION_DEFINITION) continue;
      const byType = keys.get(subgraph) ?? new Map();
      const declared = byType.get(definition.name.value) ?? [];
      declared.push({
        fields: fieldSet.selectionSet.selections.flatMap((selection) =>
          selection.kind === Kind.FIELD ? [selection.name.value] : [],
        ),
        resolvable: !(resolvable?.kind === Kind.BOOLEAN && !resolvable.value),
      });
      byType.set(definition.name.value, declared);
      keys.set(subgraph, byType);
    }
  }
  return keys;
}

/**
 * The first entity fetch of the plan that would send a subgraph
 * representations it cannot resolve — its type's keys there all marked
 * `resolvable: false`, or none of its resolvable keys in the representation —
 * described; undefined when there is none. Such a fetch answers null for
 * every entity, and the null spreads up the tree as if it were an answer.
 */
export function unresolvableEntityFetch(plan: QueryPlan, keys: EntityKeys): string | undefined {
  const visit = (node: PlanNode | SubscriptionNode | undefined): string | undefined => {
    if (!node) return undefined;
    switch (node.kind) {
      case 'Subscription':
        return visit(node.primary) ?? visit(node.rest);
      case 'Fetch':
        return node.requires ? checkFetch(node.serviceName, node.requires, keys) : undefined;
      case 'Sequence':
      case 'Parallel':
        for (const child of node.nodes) {
          const found = visit(child);
          if (found) return found;
        }
        return undefined;
      case 'Flatten':
        return visit(node.node);
      case 'Condition':
        return visit(node.ifClause) ?? visit(node.elseClause);
      default:
        return undefined;
    }
  };
  return visit(plan.node);
}

function checkFetch(
  subgraph: string,
  requires: readonly QueryPlanSelectionNode[],
  keys: EntityKeys,
): string | undefined {
  for (const selection of requires) {
    if (selection.kind !== 'InlineFragment' || !selection.typeCondition) continue;
    const declared = keys.get(subgraph)?.get(selection.typeCondition);
    // A type without keys there is an @interfaceObject's implementation or a value type.
    if (!declared?.length) continue;
    const sent = new Set(
      selection.selections.flatMap((field) => (field.kind === 'Field' ? [field.name] : [])),
    );
    const usable = declared.some(
      (key) => key.resolvable && key.fields.every((field) => sent.has(field)),
    );
    if (!usable) {
      return `it would send ${selection.typeCondition} to ${subgraph} by a key ${subgraph} does not resolve`;
    }
  }
  return undefined;
}
