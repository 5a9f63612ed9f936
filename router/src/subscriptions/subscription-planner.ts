import { print, type DocumentNode, type GraphQLSchema } from 'graphql';
import { buildOperationContext } from '@apollo/gateway';
import type { Schema } from '@apollo/federation-internals';
import type { FetchNode, PlanNode } from '@apollo/query-planner';
import type { SupergraphPlanner } from '../execution/supergraph-planner';

export type OperationContext = ReturnType<typeof buildOperationContext>;

/** How one subscription runs: `primary` is the owning subgraph's subscription, `rest` what every event needs from others. */
export interface SubscriptionPlan {
  primary: FetchNode;
  rest?: PlanNode;
  operationContext: OperationContext;
}

const MAX_CACHED_PLANS = 500;

/**
 * Plans subscriptions with the same query planner the gateway uses for
 * queries (the gateway plans them too, then refuses to execute them). The
 * plan of an operation is the same for every subscriber, so it is made once.
 */
export class SubscriptionPlanner {
  /** The API schema as graphql-js sees it: what clients validate against. */
  readonly schema: GraphQLSchema;
  readonly apiSchema: Schema;
  readonly supergraphSchema: GraphQLSchema;
  private readonly plans = new Map<string, SubscriptionPlan>();

  /** Plans with the planner the query executor uses: one planner per supergraph. */
  constructor(private readonly planner: SupergraphPlanner) {
    this.apiSchema = planner.apiSchema;
    this.schema = planner.schema;
    this.supergraphSchema = planner.supergraphSchema;
  }

  /** The plan of a validated subscription operation. */
  plan(document: DocumentNode, operationName: string | undefined): SubscriptionPlan {
    const key = `${operationName ?? ''}\n${print(document)}`;
    const cached = this.plans.get(key);
    if (cached) return cached;

    const { node } = this.planner.plan(this.planner.operation(document, operationName));
    if (node?.kind !== 'Subscription') {
      throw new Error(`Expected a subscription plan, the planner made ${node?.kind ?? 'none'}`);
    }
    const plan: SubscriptionPlan = {
      primary: node.primary,
      rest: node.rest,
      operationContext: buildOperationContext({
        schema: this.schema,
        operationDocument: document,
        operationName,
      }),
    };
    if (this.plans.size >= MAX_CACHED_PLANS) {
      const oldest = this.plans.keys().next().value;
      if (oldest !== undefined) this.plans.delete(oldest);
    }
    this.plans.set(key, plan);
    return plan;
  }
}
