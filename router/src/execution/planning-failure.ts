import { GraphQLError, Kind, type DocumentNode, type SelectionSetNode } from 'graphql';

/**
 * The supergraph cannot answer the operation: the planner failed on it, or
 * planned nothing for a selection that needs a subgraph. Answered as an
 * error rather than as data of nulls, which would pass for an answer.
 */
export class QueryPlanningError extends GraphQLError {
  constructor(detail: string) {
    super(`The supergraph cannot answer this operation: ${detail}`, {
      extensions: { code: 'QUERY_PLANNING_FAILED' },
    });
  }
}

/** The planner's own failure (its messages read "… This shouldn't have happened."), as one. */
export function planningFailed(error: unknown): QueryPlanningError {
  const message = error instanceof Error ? error.message : String(error);
  return new QueryPlanningError(message.replace(/:? ?This shouldn't have happened\.?$/, ''));
}

/**
 * Whether the operation selects a root field other than `__typename` that
 * is not skipped by a literal @skip/@include: such a selection needs a
 * subgraph, so an empty plan for it is a planning failure, not an answer.
 */
export function asksSubgraphs(document: DocumentNode, operationName: string | undefined): boolean {
  const fragments = new Map<string, SelectionSetNode>();
  let operation: SelectionSetNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition.selectionSet);
    } else if (
      definition.kind === Kind.OPERATION_DEFINITION &&
      (operationName === undefined || definition.name?.value === operationName)
    ) {
      operation ??= definition.selectionSet;
    }
  }
  const visited = new Set<string>();
  const asks = (selectionSet: SelectionSetNode): boolean =>
    selectionSet.selections.some((selection) => {
      const literallySkipped = selection.directives?.some((directive) => {
        const condition = directive.arguments?.find((arg) => arg.name.value === 'if')?.value;
        if (condition?.kind !== Kind.BOOLEAN) return false;
        return directive.name.value === 'skip' ? condition.value : !condition.value;
      });
      if (literallySkipped) return false;
      if (selection.kind === Kind.FIELD) return selection.name.value !== '__typename';
      if (selection.kind === Kind.INLINE_FRAGMENT) return asks(selection.selectionSet);
      const name = selection.name.value;
      if (visited.has(name)) return false;
      visited.add(name);
      const fragment = fragments.get(name);
      return fragment ? asks(fragment) : false;
    });
  return operation ? asks(operation) : false;
}
