import {
  GraphQLError,
  print,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
} from 'graphql';
import { AsyncQueue, type Logger } from '@shop/platform';
import { answerRefusals, type Authorization } from '../auth/authorize-operation';
import type { RouterContext } from '../context';
import type { SubscriptionPlan } from '../execution/query-plan-executor';
import type { SubscriptionRequest } from './prepare-subscription';
import { endAtExpiry } from './token-expiry';
import type { SubgraphSubscriptions } from './subgraph-subscriptions';
import { carryOver, urlOf, type SubscriptionSupergraph } from './subscription-supergraph';

/** One client's subscription: its results, and a way to end it from outside (token expiry, shutdown). */
export interface Subscriber {
  results: AsyncIterableIterator<ExecutionResult>;
  end(errors: GraphQLFormattedError[]): void;
}

/** What authorization removed from the operation: answered as nulls plus errors in every event. */
export type Refusals = Pick<Authorization, 'errors' | 'placeholders'>;

export interface SubscriptionHubOptions {
  /** Results a client may fall behind by before its subscription is ended. */
  maxQueuedEvents: number;
  /** The supergraph served now: groups opened on an older one are carried over at once. */
  current: () => SubscriptionSupergraph;
  log: Logger;
}

interface Group {
  key: string;
  /** The supergraph the group's events are completed on, and its plan there. */
  supergraph: SubscriptionSupergraph;
  plan: SubscriptionPlan;
  request: SubscriptionRequest;
  refusals: Refusals | undefined;
  context: RouterContext;
  subscribers: Set<AsyncQueue<ExecutionResult>>;
  /** Events are completed one after another, so every client sees them in the subgraph's order. */
  chain: Promise<void>;
  unsubscribe: () => void;
}

/**
 * Every subscription of the router. Clients that send the same operation
 * with the same variables under the same identity would receive identical
 * events, so they form one group: one upstream subscription, and per event
 * one execution of the plan's `rest` (its entity fetches batched as in a
 * query) whose result goes to all of them. 5,000 anonymous clients watching
 * one product cost the subgraphs what one costs.
 *
 * When the supergraph changes, each group is carried over to the new one or
 * ended with errors saying why (a field it reads was removed, say).
 */
export class SubscriptionHub {
  private readonly groups = new Map<string, Group>();
  private closed = false;

  constructor(
    private readonly upstream: SubgraphSubscriptions,
    private readonly options: SubscriptionHubOptions,
  ) {}

  /** Clients subscribed right now. */
  get subscribers(): number {
    let count = 0;
    for (const group of this.groups.values()) count += group.subscribers.size;
    return count;
  }

  /** Upstream subscriptions open right now (one per group). */
  get upstreamSubscriptions(): number {
    return this.groups.size;
  }

  /**
   * Starts a client's subscription, prepared against `supergraph`.
   * `expiresAt` is when the caller's access token expires: the subscription
   * ends then with UNAUTHENTICATED.
   */
  subscribe(
    request: SubscriptionRequest,
    refusals: Refusals | undefined,
    context: RouterContext,
    expiresAt: Date | undefined,
    supergraph: SubscriptionSupergraph,
  ): Subscriber {
    if (this.closed) throw new Error('The subscription hub is closed');
    const key = groupKey(request, context);
    const joined = this.groups.get(key);
    const group = joined ?? this.open(key, request, refusals, context, supergraph);
    let stopWatchingExpiry = (): void => undefined;
    // A client that falls this far behind is ended rather than buffered for.
    const queue: AsyncQueue<ExecutionResult> = new AsyncQueue<ExecutionResult>(
      this.options.maxQueuedEvents,
      {
        end: () =>
          resultOf([
            {
              message: 'The client fell too far behind; the subscription was ended',
              extensions: { code: 'SUBSCRIPTION_OVERFLOW' },
            },
          ]),
      },
      () => {
        stopWatchingExpiry();
        this.leave(group, queue);
      },
    );
    group.subscribers.add(queue);
    const subscriber: Subscriber = {
      results: queue,
      end: (errors) => queue.end(resultOf(errors)),
    };
    stopWatchingExpiry = endAtExpiry(subscriber, expiresAt);
    // Prepared before a swap that has happened since: the swap did not see this group.
    const current = this.options.current();
    if (!joined && group.supergraph !== current) this.carry(group, current);
    return subscriber;
  }

  /** Carries every group over to a new supergraph, or ends it with the errors that say why not. */
  moveTo(next: SubscriptionSupergraph): void {
    for (const group of [...this.groups.values()]) this.carry(group, next);
  }

  /** Ends every subscription with these errors and closes every upstream one. */
  async close(errors: GraphQLFormattedError[]): Promise<void> {
    this.closed = true;
    const groups = [...this.groups.values()];
    for (const group of groups) this.finish(group, resultOf(errors));
    await Promise.all(groups.map((group) => group.chain));
    await this.upstream.close();
  }

  private carry(group: Group, next: SubscriptionSupergraph): void {
    if (group.supergraph === next) return;
    const outcome = carryOver(group.request, group.context.identity, group, next);
    if (outcome.kind === 'ends') {
      group.context.log.info(
        { reasons: outcome.errors.map((error) => error.message) },
        'subscription ended by a supergraph change',
      );
      // No one joins it meanwhile; it ends after the events already on their way.
      if (this.groups.get(group.key) === group) this.groups.delete(group.key);
      group.chain = group.chain.then(() => this.finish(group, resultOf(outcome.errors)));
      return;
    }
    group.supergraph = next;
    group.plan = outcome.plan;
  }

  private open(
    key: string,
    request: SubscriptionRequest,
    refusals: Refusals | undefined,
    context: RouterContext,
    supergraph: SubscriptionSupergraph,
  ): Group {
    const plan = supergraph.planner.plan(request.document, request.operationName);
    const group: Group = {
      key,
      supergraph,
      plan,
      request,
      refusals,
      context,
      subscribers: new Set(),
      chain: Promise.resolve(),
      unsubscribe: () => undefined,
    };
    this.groups.set(key, group);
    group.unsubscribe = this.upstream.subscribe(
      plan.primary.serviceName,
      urlOf(supergraph, plan.primary.serviceName),
      context.identity,
      context.requestId,
      {
        query: plan.primary.operation,
        variables: variablesOf(plan, request.variables),
        operationName: plan.primary.operationName,
      },
      {
        next: (event) => {
          group.chain = group.chain.then(() => this.deliver(group, event));
        },
        error: (errors) => {
          group.chain = group.chain.then(() => this.finish(group, resultOf(errors)));
        },
        complete: () => {
          group.chain = group.chain.then(() => this.finish(group));
        },
      },
    );
    return group;
  }

  private async deliver(group: Group, event: FormattedExecutionResult): Promise<void> {
    if (group.subscribers.size === 0) return;
    let result: ExecutionResult;
    try {
      result = await group.plan.complete(event, {
        variables: group.request.variables,
        identity: group.context.identity,
        requestId: group.context.requestId,
      });
    } catch (error) {
      this.options.log.error({ err: error }, 'completing a subscription event failed');
      result = resultOf([
        { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      ]);
    }
    const shaped = withRefusals(result, group.refusals);
    for (const subscriber of group.subscribers) subscriber.push(shaped);
  }

  /** Ends the group's subscribers (after `last`, when given) and forgets the group. */
  private finish(group: Group, last?: ExecutionResult): void {
    if (this.groups.get(group.key) === group) this.groups.delete(group.key);
    for (const subscriber of [...group.subscribers]) subscriber.end(last);
    group.subscribers.clear();
    group.unsubscribe();
  }

  private leave(group: Group, queue: AsyncQueue<ExecutionResult>): void {
    group.subscribers.delete(queue);
    if (group.subscribers.size > 0) return;
    if (this.groups.get(group.key) === group) this.groups.delete(group.key);
    group.unsubscribe();
  }
}

function groupKey(request: SubscriptionRequest, context: RouterContext): string {
  return [
    request.operationName ?? '',
    print(request.document),
    stableJson(request.variables),
    stableJson(context.identity),
  ].join('\n');
}

/** The variables the primary fetch uses, as the gateway would send them. */
function variablesOf(
  plan: SubscriptionPlan,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  const used: Record<string, unknown> = {};
  for (const name of plan.primary.variableUsages ?? []) {
    if (variables[name] !== undefined) used[name] = variables[name];
  }
  return used;
}

function withRefusals(result: ExecutionResult, refusals: Refusals | undefined): ExecutionResult {
  if (!refusals) return result;
  return {
    data: result.data
      ? (answerRefusals(result.data, refusals.placeholders) as ExecutionResult['data'])
      : result.data,
    errors: [...refusals.errors.map(toGraphQLError), ...(result.errors ?? [])],
  };
}

function resultOf(errors: readonly GraphQLFormattedError[]): ExecutionResult {
  return { errors: errors.map(toGraphQLError) };
}

function toGraphQLError(error: GraphQLFormattedError): GraphQLError {
  return new GraphQLError(error.message, { path: error.path, extensions: error.extensions });
}

/** JSON with object keys sorted, so equal values give equal keys. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, each: unknown) =>
    each && typeof each === 'object' && !Array.isArray(each)
      ? Object.fromEntries(Object.entries(each).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : each,
  );
}
