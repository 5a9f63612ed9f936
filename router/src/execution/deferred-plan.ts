import type { DeferNode, PlanNode, QueryPlan } from '@apollo/query-planner';

/** Whether a query or mutation plan has a Defer node anywhere. */
export function defers(plan: QueryPlan): boolean {
  return plan.node?.kind !== 'Subscription' && hasDeferNode(plan.node);
}

/**
 * The plan with each Defer node replaced by its primary node, then its
 * deferred blocks side by side: the same fetches in an order that respects
 * their dependencies, for a client that takes the whole answer at once.
 */
export function withoutDeferral(plan: QueryPlan): QueryPlan {
  if (!plan.node || plan.node.kind === 'Subscription' || !hasDeferNode(plan.node)) return plan;
  return { ...plan, node: flattened(plan.node) };
}

function hasDeferNode(node: PlanNode | undefined): boolean {
  if (!node) return false;
  switch (node.kind) {
    case 'Defer':
      return true;
    case 'Sequence':
    case 'Parallel':
      return node.nodes.some(hasDeferNode);
    case 'Flatten':
      return hasDeferNode(node.node);
    case 'Condition':
      return hasDeferNode(node.ifClause) || hasDeferNode(node.elseClause);
    default:
      return false;
  }
}

function flattened(node: PlanNode): PlanNode {
  switch (node.kind) {
    case 'Defer':
      return inSequence(node);
    case 'Sequence':
    case 'Parallel':
      return { ...node, nodes: node.nodes.map(flattened) };
    case 'Flatten':
      return { ...node, node: flattened(node.node) };
    case 'Condition':
      return {
        ...node,
        ifClause: node.ifClause && flattened(node.ifClause),
        elseClause: node.elseClause && flattened(node.elseClause),
      };
    default:
      return node;
  }
}

function inSequence(node: DeferNode): PlanNode {
  const deferred = node.deferred.flatMap((block) => (block.node ? [flattened(block.node)] : []));
  const nodes = [
    ...(node.primary.node ? [flattened(node.primary.node)] : []),
    ...(deferred.length > 0 ? [{ kind: 'Parallel' as const, nodes: deferred }] : []),
  ];
  return { kind: 'Sequence', nodes };
}
