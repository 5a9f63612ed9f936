import { validate, type GraphQLFormattedError } from 'graphql';
import type { Identity } from '@shop/identity';
import { authorizeOperation } from '../auth/authorize-operation';
import type { SupergraphState } from '../supergraph/supergraph-state';
import type { SubscriptionPlan } from '../execution/query-plan-executor';
import type { SubscriptionRequest } from './prepare-subscription';
import { SubscriptionPlanner } from './subscription-planner';

/** What subscriptions use of one supergraph: its state, and its planning of subscriptions. */
export interface SubscriptionSupergraph {
  state: SupergraphState;
  planner: SubscriptionPlanner;
}

const built = new WeakMap<SupergraphState, SubscriptionSupergraph>();

/** The subscription side of a state, made once per state. */
export function subscriptionSupergraphOf(state: SupergraphState): SubscriptionSupergraph {
  let supergraph = built.get(state);
  if (!supergraph) {
    supergraph = { state, planner: new SubscriptionPlanner(state.planner.schema, state.executor) };
    built.set(state, supergraph);
  }
  return supergraph;
}

/** Ends a subscription the supergraph no longer serves as it was: the client may subscribe again. */
export const SUPERGRAPH_CHANGED = 'SUPERGRAPH_CHANGED';

export type CarryOver =
  { kind: 'continues'; plan: SubscriptionPlan } | { kind: 'ends'; errors: GraphQLFormattedError[] };

/**
 * Whether a running subscription carries on under a new supergraph: its
 * operation must still validate (a field removed ends it, named in the
 * error), stay within the limits and be allowed to its caller as it was, and
 * its events must still come from the same subscription of the same subgraph
 * (then only what each event fetches from others is planned anew).
 */
export function carryOver(
  request: SubscriptionRequest,
  identity: Identity,
  from: { supergraph: SubscriptionSupergraph; plan: SubscriptionPlan },
  to: SubscriptionSupergraph,
): CarryOver {
  const schema = to.planner.schema;
  const invalid = validate(schema, request.document);
  if (invalid.length > 0) {
    return ends(invalid.map((error) => `The supergraph changed: ${error.message}`));
  }
  const exceeded = to.state.limits.check(
    schema,
    request.document,
    request.operationName,
    request.variables,
  );
  if (exceeded) {
    return {
      kind: 'ends',
      errors: [{ message: exceeded.message, extensions: { code: exceeded.code } }],
    };
  }
  const refused = authorizeOperation(
    schema,
    request.document,
    request.operationName,
    identity,
    to.state.requirements,
  );
  if (refused) return { kind: 'ends', errors: refused.errors };
  let plan: SubscriptionPlan;
  try {
    plan = to.planner.plan(request.document, request.operationName);
  } catch (error) {
    return ends([`The supergraph changed: ${(error as Error).message}`]);
  }
  const before = from.plan.primary;
  const after = plan.primary;
  const sameUpstream =
    before.serviceName === after.serviceName &&
    before.operation === after.operation &&
    urlOf(from.supergraph, before.serviceName) === urlOf(to, after.serviceName);
  if (!sameUpstream) {
    return ends([
      `The supergraph changed which subgraph serves this subscription, or how: subscribe again`,
    ]);
  }
  return { kind: 'continues', plan };
}

export function urlOf(supergraph: SubscriptionSupergraph, subgraph: string): string | undefined {
  return supergraph.state.subgraphs.find(({ name }) => name === subgraph)?.url;
}

function ends(messages: string[]): CarryOver {
  return {
    kind: 'ends',
    errors: messages.map((message) => ({ message, extensions: { code: SUPERGRAPH_CHANGED } })),
  };
}
