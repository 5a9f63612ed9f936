import {
  GraphQLError,
  type DocumentNode,
  type ExecutionResult,
  type FormattedExecutionResult,
} from 'graphql';
import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { FetchNode, PlanNode, QueryPlan } from '@apollo/query-planner';
import type { RouterContext } from '../context';
import type { SubscriptionPlan, SubscriptionPlanner } from './subscription-planner';

/** A subscription operation as a client sent it (after authorization filtered it). */
export interface SubscriptionRequest {
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown>;
}

/**
 * Stands in for the owning subgraph in the plan of one event: its "answer"
 * to the primary fetch is the event the subgraph pushed.
 */
const EVENT_SERVICE = '__subscription_event__';

/**
 * Completes one event as the client asked for it. The event is what the
 * owning subgraph resolved (the `primary` fetch); the gateway's own executor
 * runs a plan of `primary` answered from the event, then `rest`, so fields
 * owned by other subgraphs are fetched (batched per fetch, like a query) and
 * the result is shaped exactly as a query's would be.
 */
export class EventExecutor {
  constructor(
    private readonly planner: SubscriptionPlanner,
    private readonly sources: ServiceMap,
  ) {}

  async execute(
    plan: SubscriptionPlan,
    event: FormattedExecutionResult,
    request: SubscriptionRequest,
    context: RouterContext,
  ): Promise<ExecutionResult> {
    const eventErrors = (event.errors ?? []).map(
      (error) =>
        new GraphQLError(error.message, {
          path: error.path,
          extensions: { ...error.extensions, serviceName: plan.primary.serviceName },
        }),
    );
    if (!event.data) return { data: null, errors: eventErrors };

    const primary: FetchNode = { ...plan.primary, serviceName: EVENT_SERVICE };
    const node: PlanNode = plan.rest ? { kind: 'Sequence', nodes: [primary, plan.rest] } : primary;
    const queryPlan: QueryPlan = { kind: 'QueryPlan', node };
    const eventSource: GraphQLDataSource = {
      // One execution per event per group: the executor may merge into the event's objects.
      process: () => Promise.resolve({ data: event.data }),
    };
    const requestContext = {
      request: { variables: request.variables, operationName: request.operationName },
      document: request.document,
      operationName: request.operationName,
      context,
      logger: context.log,
      metrics: {},
    };
    const result = await executeQueryPlan(
      queryPlan,
      { ...this.sources, [EVENT_SERVICE]: eventSource },
      requestContext as unknown as Parameters<typeof executeQueryPlan>[2],
      plan.operationContext,
      this.planner.supergraphSchema,
      this.planner.apiSchema,
    );
    const errors = [...eventErrors, ...(result.errors ?? [])];
    return errors.length > 0 ? { data: result.data, errors } : { data: result.data };
  }
}
