import { print, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { QueryPlanExecutor, SubscriptionPlan } from '../execution/query-plan-executor';

const MAX_CACHED_PLANS = 500;

/**
 * Plans subscriptions with the query executor of one supergraph, so their
 * events get the planning corrections, fetch merging, error handling and
 * shaping of queries. The plan of an operation is the same for every
 * subscriber, so it is made once.
 */
export class SubscriptionPlanner {
  private readonly plans = new Map<string, SubscriptionPlan>();

  constructor(
    /** The API schema as graphql-js sees it: what clients validate against. */
    readonly schema: GraphQLSchema,
    private readonly executor: QueryPlanExecutor,
  ) {}

  /** The plan of a validated subscription operation; throws QueryPlanningError when it has none. */
  plan(document: DocumentNode, operationName: string | undefined): SubscriptionPlan {
    const key = `${operationName ?? ''}\n${print(document)}`;
    const cached = this.plans.get(key);
    if (cached) return cached;
    const plan = this.executor.planSubscription(document, operationName);
    if (this.plans.size >= MAX_CACHED_PLANS) {
      const oldest = this.plans.keys().next().value;
      if (oldest !== undefined) this.plans.delete(oldest);
    }
    this.plans.set(key, plan);
    return plan;
  }
}
