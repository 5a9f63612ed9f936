import { createHash } from 'node:crypto';
import {
  GraphQLError,
  print,
  type DocumentNode,
  type ExecutionResult,
  type FormattedExecutionResult,
  type OperationDefinitionNode,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { buildOperationContext, executeQueryPlan, type ServiceMap } from '@apollo/gateway';
import { operationFromDocument } from '@apollo/federation-internals';
import type { FetchNode, PlanNode, QueryPlan } from '@apollo/query-planner';
import { ANONYMOUS, IdentitySigner, type Identity } from '@shop/identity';
import type { FetchCache, PlanStore } from './caches';
import type { RestrictableCachePolicy } from './cache-control';
import { compilePlan, UnsupportedPlanError, type CompiledPlan } from './compiled-plan';
import { hasDefer, labelDeferredFragments, undeferred } from './deferred-fragments';
import { defers, withoutDeferral } from './deferred-plan';
import type { ExecutionState } from './execution-state';
import { compileFetch, type CompiledFetch } from './fetch-step';
import { InFlightOperations } from './in-flight-operations';
import {
  acceptsIncrementalDelivery,
  compileIncremental,
  runDeferredBlocks,
  type IncrementalDeliveryContext,
  type IncrementalPlan,
  type SubsequentPayload,
} from './incremental-delivery';
import { unresolvableEntityFetch } from './entity-keys';
import { PlanCache } from './plan-cache';
import { asksSubgraphs, planningFailed, QueryPlanningError } from './planning-failure';
import { IdentityHeaders, RequestIdentity } from './request-identity';
import {
  hasClashingRequirements,
  separateFromRequirements,
  splitByRequirementVariants,
  type SeparatedOperation,
} from './requirement-arguments';
import { ResponseShaper } from './response-shaper';
import type { ResultObject } from './result-tree';
import type { SubgraphClient } from './subgraph-client';
import type { SupergraphPlanner } from './supergraph-planner';
import { ApiTypeConditions, SupergraphTypeConditions } from './type-conditions';

/** The request context @apollo/gateway's executor receives from Apollo Server. */
export type GatewayRequestContext = Parameters<typeof executeQueryPlan>[2];

export interface QueryPlanExecutorOptions {
  planner: SupergraphPlanner;
  client: SubgraphClient;
  /** The gateway's data sources: plans this executor does not run go to the gateway's executor with them. */
  sources: ServiceMap;
  identitySecret: string;
  fetchCache?: FetchCache;
  planStore?: PlanStore;
  maxCachedPlans?: number;
  /** Identical query operations in flight share one execution (with SUBGRAPH_DEDUPLICATION). */
  deduplicate?: boolean;
  /** Leave "Did you mean …?" out of variable errors: they name the schema introspection hides. */
  hideSuggestions?: boolean;
  /** Told the fetches and calls of the plan of each operation this executor runs. */
  planCalls?: PlanCallsObserver;
}

export interface PlanCallsObserver {
  observe(plan: { fetches: number; calls: number }): void;
}

/** One operation to execute, already parsed and validated. */
export interface OperationRequest {
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  identity?: Identity;
  requestId?: string;
  /** Apollo Server's hash of the query text; computed from the document when absent. */
  queryHash?: string;
  /** Apollo Server's overall cache policy of the request, narrowed by every subgraph answer. */
  cachePolicy?: RestrictableCachePolicy;
  /** Apollo Server's request context, for the gateway's executor when a plan falls back to it. */
  requestContext?: GatewayRequestContext;
  /**
   * Takes the parts after the initial one when the client takes incremental
   * delivery: then an operation with @defer answers its initial part here,
   * and the rest there. Without it, the whole answer comes at once.
   */
  deliverLater?: (payloads: AsyncIterable<SubsequentPayload>) => void;
}

/** A subscription as this executor runs it: `primary` opened upstream, each event completed here. */
export interface SubscriptionPlan {
  /** The owning subgraph's subscription. */
  primary: FetchNode;
  /**
   * One event, the owning subgraph's answer to `primary`, completed as a
   * query's result would be: `rest` fetches what other subgraphs own, and
   * the result is shaped for the operation the client sent.
   */
  complete(event: FormattedExecutionResult, request: EventRequest): Promise<ExecutionResult>;
}

/** Who a subscription's events are completed for. */
export interface EventRequest {
  variables: Record<string, unknown>;
  identity: Identity;
  requestId: string | undefined;
}

/** A subscription plan compiled: its primary fetch, answered by each event, then `rest`. */
interface CompiledSubscription {
  primary: CompiledFetch;
  rest: CompiledPlan;
}

interface PreparedOperation {
  /** The plan cache's key: schema, operation text and operation name. */
  key: string;
  plan: QueryPlan;
  isQuery: boolean;
  /** Absent when the plan or the operation needs the gateway's executor. */
  compiled?: CompiledPlan;
  /** Aliases given to keep fields apart from requirements, with the client's names. */
  renamed?: ReadonlyMap<string, string>;
  /** Planned as several operations run one after another (splitByRequirementVariants). */
  split?: boolean;
  shaper?: ResponseShaper;
  /** Set when the operation defers fragments and the plan can deliver them in parts. */
  incremental?: IncrementalPlan;
  /** Set when the plan cannot answer the operation: answered as this error. */
  refusal?: QueryPlanningError;
  /** Set for a subscription, which runs per event (planSubscription). */
  subscription?: CompiledSubscription;
}

const DEFAULT_MAX_CACHED_PLANS = 1_000;

/**
 * Executes query and mutation plans of @apollo/query-planner in place of
 * @apollo/gateway's `executeQueryPlan`, with the same results: plans and
 * everything derivable from them are compiled once per operation; per
 * request only the subgraph calls, the merging of their answers and the
 * shaping of the response run. An operation with @defer answers its initial
 * part, then each deferred block's as its fetches finish
 * (incremental-delivery.ts), when the client takes that; otherwise all at
 * once. Operations asking for introspection run on the gateway's executor.
 * Subscriptions are planned and their events completed here too
 * (planSubscription), with the same corrections and shaping as queries.
 */
export class QueryPlanExecutor {
  private readonly plans: PlanCache<PreparedOperation>;
  private readonly apiTypes: ApiTypeConditions;
  private readonly supergraphTypes: SupergraphTypeConditions;
  private readonly inFlight: InFlightOperations | undefined;
  private readonly identityHeaders: IdentityHeaders;

  constructor(private readonly options: QueryPlanExecutorOptions) {
    this.plans = new PlanCache(
      options.maxCachedPlans ?? DEFAULT_MAX_CACHED_PLANS,
      options.planStore,
    );
    this.apiTypes = new ApiTypeConditions(options.planner.apiSchema);
    this.supergraphTypes = new SupergraphTypeConditions(options.planner.supergraphSchema);
    this.inFlight = options.deduplicate ? new InFlightOperations() : undefined;
    this.identityHeaders = new IdentityHeaders(new IdentitySigner(options.identitySecret));
  }

  /** The executor Apollo Server calls (GatewayExecutor), with the gateway's variable checks first. */
  readonly executeRequest = async (
    requestContext: GatewayRequestContext,
  ): Promise<ExecutionResult> => {
    const { request, document, queryHash, operation } = requestContext;
    const variables = request.variables ?? {};
    const variableErrors = this.variableErrors(operation, variables);
    if (variableErrors.length > 0) return { errors: variableErrors };
    const context = requestContext.context as {
      identity?: Identity;
      requestId?: string;
    } & IncrementalDeliveryContext;
    const incremental = acceptsIncrementalDelivery(
      request.http?.headers.get('accept') ?? undefined,
    );
    return this.execute({
      document,
      operationName: request.operationName,
      variables,
      identity: context.identity,
      requestId: context.requestId,
      queryHash,
      cachePolicy: requestContext.overallCachePolicy as RestrictableCachePolicy | undefined,
      requestContext,
      deliverLater:
        incremental && context.deferred
          ? (payloads) => void (context.deferred!.payloads = payloads)
          : undefined,
    });
  };

  /** The plan of an operation, as this executor caches it. */
  async planOf(document: DocumentNode, operationName: string | undefined): Promise<QueryPlan> {
    return (await this.prepare(document, operationName, undefined)).plan;
  }

  /** Whether an operation is left to the gateway's executor (introspection). */
  async runsOnGateway(document: DocumentNode, operationName: string | undefined): Promise<boolean> {
    return !(await this.prepare(document, operationName, undefined)).compiled;
  }

  /**
   * A validated subscription's plan, adjusted for requirements and checked
   * like a query's. Made at once (a subscription starts synchronously); the
   * caller keeps it for the subscription's life. Throws QueryPlanningError
   * when the supergraph cannot answer it.
   */
  planSubscription(document: DocumentNode, operationName: string | undefined): SubscriptionPlan {
    const { planner } = this.options;
    const adjusted = adjustForRequirements(
      hasDefer(document) ? undeferred(document) : document,
      planner,
    );
    // Each part would be a subscription of its own upstream, with events of their own.
    if (hasClashingRequirements(adjusted.document, planner.schema, planner.requirements)) {
      throw new QueryPlanningError(
        'a subscription cannot read two requirements of one field with different arguments',
      );
    }
    let plan: QueryPlan;
    try {
      plan = planner.plan(planner.operation(adjusted.parts[0]!, operationName));
    } catch (error) {
      throw planningFailed(error);
    }
    const prepared = this.compile('', plan, adjusted, operationName);
    if (prepared.refusal) throw prepared.refusal;
    if (plan.node?.kind !== 'Subscription' || !prepared.subscription) {
      throw new QueryPlanningError(
        plan.node?.kind !== 'Subscription'
          ? `the planner made a ${plan.node?.kind ?? 'empty'} plan for a subscription`
          : 'its events cannot be completed here (introspection, or a response name __proto__)',
      );
    }
    const { primary, rest } = prepared.subscription;
    return {
      primary: plan.node.primary,
      complete: async (event, { variables, identity, requestId }) => {
        const state = initialState(
          prepared,
          { document, operationName, variables, requestId },
          undefined,
          new RequestIdentity(identity, this.identityHeaders),
        );
        const root = { path: [], steps: [], data: state.data };
        try {
          const answer = await primary.prepare(state, root);
          answer?.receive({ data: event.data, errors: event.errors, cacheControl: undefined });
        } catch (error) {
          primary.fail(state, error);
        }
        await rest.run(state, root);
        return respond(state, prepared, variables);
      },
    };
  }

  async execute(request: OperationRequest): Promise<ExecutionResult> {
    let prepared: PreparedOperation;
    try {
      prepared = await this.prepare(
        request.document,
        request.operationName,
        request.queryHash,
        request.deliverLater !== undefined,
      );
    } catch (error) {
      if (error instanceof QueryPlanningError) return { errors: [error] };
      throw error;
    }
    if (prepared.refusal) return { errors: [prepared.refusal] };
    if (!prepared.compiled || !prepared.shaper) {
      return this.executeOnGateway(prepared.plan, request);
    }
    const identity = new RequestIdentity(request.identity ?? ANONYMOUS, this.identityHeaders);
    if (prepared.incremental && request.deliverLater) {
      this.options.planCalls?.observe(prepared.incremental);
      return this.runIncrementally(prepared, prepared.incremental, request, identity);
    }
    this.options.planCalls?.observe(prepared.compiled);
    const run = (cachePolicy: RestrictableCachePolicy | undefined) =>
      this.run(prepared, request, cachePolicy, identity);
    if (!this.inFlight || !prepared.isQuery) return run(request.cachePolicy);
    const key = `${prepared.key}\n${identity.key}\n${JSON.stringify(request.variables)}`;
    return this.inFlight.run(key, request.cachePolicy, run);
  }

  private async run(
    prepared: PreparedOperation,
    request: OperationRequest,
    cachePolicy: RestrictableCachePolicy | undefined,
    identity: RequestIdentity,
  ): Promise<ExecutionResult> {
    const state = initialState(prepared, request, cachePolicy, identity);
    await prepared.compiled!.run(state, { path: [], steps: [], data: state.data });
    return respond(state, prepared, request.variables);
  }

  /** The initial part answered, the deferred blocks started and handed to `deliverLater`. */
  private async runIncrementally(
    prepared: PreparedOperation,
    incremental: IncrementalPlan,
    request: OperationRequest,
    identity: RequestIdentity,
  ): Promise<ExecutionResult> {
    const state = initialState(prepared, request, request.cachePolicy, identity);
    const root = { path: [], steps: [], data: state.data };
    await incremental.primary.run(state, root);
    const initial = respond(
      state,
      { ...prepared, shaper: incremental.initialShaper },
      request.variables,
    );
    const { renamed } = prepared;
    request.deliverLater!(
      runDeferredBlocks(incremental.blocks, {
        state,
        root,
        variables: request.variables,
        clientError: (error) => (renamed?.size ? withClientPath(error, renamed) : error),
      }),
    );
    return initial;
  }

  /**
   * `inParts`: the client takes incremental delivery, so @defer is planned as
   * such; otherwise the operation is planned without it, under its own key.
   */
  private prepare(
    document: DocumentNode,
    operationName: string | undefined,
    queryHash: string | undefined,
    inParts = false,
  ): Promise<PreparedOperation> {
    const { planner } = this.options;
    const hash = queryHash ?? createHash('sha256').update(print(document)).digest('hex');
    const key = `${planner.schemaHash}:${hash}:${operationName ?? ''}${inParts ? ':parts' : ''}`;
    // Planned and shaped alike, adjusted once per preparation.
    let adjusted: AdjustedOperation | undefined;
    const adjust = () =>
      (adjusted ??= adjustForRequirements(
        !hasDefer(document)
          ? document
          : inParts
            ? labelDeferredFragments(document)
            : undeferred(document),
        planner,
      ));
    return this.plans.get(
      key,
      () => {
        try {
          return oneAfterAnother(
            adjust().parts.map((part) => planner.plan(planner.operation(part, operationName))),
          );
        } catch (error) {
          throw planningFailed(error);
        }
      },
      (plan) => this.compile(key, plan, adjust(), operationName),
    );
  }

  private compile(
    key: string,
    plan: QueryPlan,
    { document, renamed, parts }: AdjustedOperation,
    operationName: string | undefined,
  ): PreparedOperation {
    // Shaping reads its own copy of the operation: the planner's may be rewritten while planning.
    const operation = operationFromDocument(this.options.planner.apiSchema, document, {
      operationName,
      validate: false,
    });
    const isQuery = operation.rootKind === 'query';
    if (!plan.node && asksSubgraphs(document, operationName)) {
      // A plan from another planner version or a shared store may be empty too.
      const refusal = new QueryPlanningError('the plan asks no subgraph for its fields');
      return { key, plan, isQuery, refusal };
    }
    if (
      operation.rootKind === 'mutation' &&
      hasClashingRequirements(
        document,
        this.options.planner.schema,
        this.options.planner.requirements,
      )
    ) {
      // Each variant needs a plan of its own, and a second plan would run the mutation again.
      const refusal = new QueryPlanningError(
        'a mutation cannot read two requirements of one field with different arguments; read them in a query after it',
      );
      return { key, plan, isQuery, refusal };
    }
    const unresolvable = unresolvableEntityFetch(plan, this.options.planner.entityKeys);
    if (unresolvable) return { key, plan, isQuery, refusal: new QueryPlanningError(unresolvable) };
    const shaper = new ResponseShaper(operation, this.apiTypes, renamed);
    if (shaper.usesIntrospection || shaper.hasUnsafeResponseName) return { key, plan, isQuery };
    const dependencies = {
      client: this.options.client,
      types: this.supergraphTypes,
      fetchCache: isQuery ? this.options.fetchCache : undefined,
    };
    if (plan.node?.kind === 'Subscription') {
      const { primary, rest } = plan.node;
      const subscription = {
        primary: compileFetch(primary, dependencies),
        rest: compilePlan({ kind: 'QueryPlan', node: rest }, operation, dependencies),
      };
      return { key, plan, isQuery, shaper, renamed, subscription };
    }
    const deferred = defers(plan);
    try {
      const compiled = compilePlan(withoutDeferral(plan), operation, dependencies);
      const split = parts.length > 1;
      const incremental =
        deferred && !split
          ? compileIncremental(plan.node as PlanNode, document, {
              compile: (node) => compilePlan({ kind: 'QueryPlan', node }, operation, dependencies),
              shaperOf: (part) =>
                new ResponseShaper(
                  operationFromDocument(this.options.planner.apiSchema, part, {
                    operationName,
                    validate: false,
                  }),
                  this.apiTypes,
                  renamed,
                ),
              renamed,
            })
          : undefined;
      return { key, plan, isQuery, compiled, shaper, renamed, split, incremental };
    } catch (error) {
      if (error instanceof UnsupportedPlanError) return { key, plan, isQuery };
      throw error;
    }
  }

  private variableErrors(
    operation: OperationDefinitionNode | undefined,
    variables: Record<string, unknown>,
  ): readonly GraphQLError[] {
    if (!operation?.variableDefinitions?.length) return [];
    const { errors } = getVariableValues(
      this.options.planner.schema,
      operation.variableDefinitions,
      variables,
      { hideSuggestions: this.options.hideSuggestions },
    );
    return errors ?? [];
  }

  private executeOnGateway(plan: QueryPlan, request: OperationRequest): Promise<ExecutionResult> {
    const { planner, sources } = this.options;
    const requestContext =
      request.requestContext ??
      ({
        request: { variables: request.variables, operationName: request.operationName },
        document: request.document,
        operationName: request.operationName ?? null,
        context: { identity: request.identity, requestId: request.requestId },
        metrics: {},
        overallCachePolicy: request.cachePolicy,
      } as unknown as GatewayRequestContext);
    return executeQueryPlan(
      // The gateway's executor refuses Defer nodes; it answers everything at once anyway.
      withoutDeferral(plan),
      sources,
      requestContext,
      buildOperationContext({
        schema: planner.schema,
        operationDocument: request.document,
        operationName: request.operationName,
      }),
      planner.supergraphSchema,
      planner.apiSchema,
    );
  }
}

function initialState(
  prepared: PreparedOperation,
  request: OperationRequest,
  cachePolicy: RestrictableCachePolicy | undefined,
  identity: RequestIdentity,
): ExecutionState {
  return {
    variables: request.variables,
    errors: [],
    data: {},
    identity,
    requestId: request.requestId,
    cachePolicy,
    isQuery: prepared.isQuery,
  };
}

/** The result as the gateway's executeQueryPlan builds it from the fetch errors and the shaped data. */
function respond(
  state: ExecutionState,
  { shaper, renamed, split }: PreparedOperation,
  variables: Record<string, unknown>,
): ExecutionResult {
  let shaped;
  try {
    shaped = shaper!.shape(state.data, variables);
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error] };
    const message =
      error instanceof Error ? error.message : 'Unexpected error during query plan execution';
    return {
      errors: [
        new GraphQLError(message, { originalError: error instanceof Error ? error : undefined }),
      ],
    };
  }
  let errors = renamed?.size
    ? (state.errors as GraphQLError[]).map((error) => withClientPath(error, renamed))
    : (state.errors as GraphQLError[]);
  // The parts of a split operation ask their common fields each: their errors are said once.
  if (split) errors = distinct(errors);
  if (errors.length === 0 && shaped.errors.length > 0) {
    // The gateway reports values completed to null here, not in `errors`; but
    // when they null the whole of `data`, an answer without `errors` would tell
    // a client nothing (and break the spec), so there they are errors too.
    const valueCompletion = { valueCompletion: shaped.errors };
    return shaped.data === null
      ? { errors: shaped.errors, extensions: valueCompletion, data: null }
      : { extensions: valueCompletion, data: shaped.data as ResultObject };
  }
  return errors.length === 0 ? { data: shaped.data } : { errors, data: shaped.data };
}

/** An operation as planned: kept apart from requirements, then split where they clash. */
interface AdjustedOperation extends SeparatedOperation {
  /** The operations planned, run one after another (one unless requirements clash). */
  parts: DocumentNode[];
}

function adjustForRequirements(
  document: DocumentNode,
  planner: SupergraphPlanner,
): AdjustedOperation {
  const separated = separateFromRequirements(document, planner.schema, planner.requirements);
  const parts = splitByRequirementVariants(
    separated.document,
    planner.schema,
    planner.requirements,
  );
  return { ...separated, parts };
}

/**
 * The plans of the operations an operation was split into
 * (splitByRequirementVariants) as one, run in order on one result tree.
 */
function oneAfterAnother(plans: QueryPlan[]): QueryPlan {
  if (plans.length === 1) return plans[0]!;
  const nodes = plans.flatMap((plan) => (plan.node ? [plan.node as PlanNode] : []));
  return { kind: 'QueryPlan', node: { kind: 'Sequence', nodes } };
}

function distinct(errors: GraphQLError[]): GraphQLError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = JSON.stringify([error.message, error.path, error.extensions?.serviceName]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A fetch error's path with the executor's aliases (requirement-arguments.ts) back to the client's names. */
function withClientPath(error: GraphQLError, renamed: ReadonlyMap<string, string>): GraphQLError {
  if (!error.path?.some((element) => typeof element === 'string' && renamed.has(element))) {
    return error;
  }
  return new GraphQLError(error.message, {
    path: error.path.map((element) =>
      typeof element === 'string' ? (renamed.get(element) ?? element) : element,
    ),
    extensions: error.extensions,
    originalError: error.originalError,
  });
}
