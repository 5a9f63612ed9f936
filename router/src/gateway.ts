import { ApolloGateway, type ServiceMap } from '@apollo/gateway';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '@shop/platform';
import { subgraphEnvKey } from './datasources/subgraph-calls.settings';
import type { SubgraphHttpClient } from './datasources/http-client';
import { SubgraphDataSource } from './datasources/subgraph-data-source';
import type { FetchCache, PlanStore } from './execution/caches';
import { QueryPlanExecutor, type PlanCallsObserver } from './execution/query-plan-executor';
import { SubgraphClient, type SubgraphCallObserver } from './execution/subgraph-client';
import { PLANNER_CONFIG, SupergraphPlanner } from './execution/supergraph-planner';
import type { SubgraphResilience } from './resilience/subgraph-resilience';
import { subgraphsOf, type SupergraphSubgraph } from './supergraph/subgraphs';

export interface GatewayOptions {
  /** One HTTP call for identical query calls in flight (SUBGRAPH_DEDUPLICATION). */
  deduplicate?: boolean;
  /** Public subgraph answers of query operations. */
  fetchCache?: FetchCache;
  /** Plans shared by router instances, behind the executor's in-memory LRU. */
  planStore?: PlanStore;
  /** Timeouts, retries and circuit breakers of the executor's subgraph calls. */
  resilience?: SubgraphResilience;
  /** Metrics and trace spans of the executor's subgraph calls. */
  observer?: SubgraphCallObserver;
  /** Leave "Did you mean …?" out of variable errors (introspection is off). */
  hideSuggestions?: boolean;
  /** Metrics of the fetches and calls of each executed operation's plan. */
  planCalls?: PlanCallsObserver;
  /** @apollo/gateway's usage reports to Apollo (APOLLO_TELEMETRY_DISABLED=false); off when absent. */
  apolloTelemetry?: boolean;
}

export interface GatewaySetup {
  /**
   * The API schema Apollo Server validates against, once @apollo/gateway has
   * loaded the supergraph; rejects a supergraph the gateway refuses (an
   * unknown SECURITY feature, an invalid supergraph). It is the planner's:
   * the gateway's own leaves @defer out whatever its planner is told.
   */
  loadSchema(): Promise<GraphQLSchema>;
  /** Ends the gateway's schema loading; the executor serves requests already under way. */
  stop(): Promise<void>;
  executor: QueryPlanExecutor;
  /** The supergraph's schemas and its one query planner, shared with subscriptions. */
  planner: SupergraphPlanner;
  /** Every subgraph with the URL the router really calls. */
  subgraphs: SupergraphSubgraph[];
  /** The gateway's data source of every subgraph, for plans the executor leaves to the gateway. */
  sources: ServiceMap;
}

/**
 * One supergraph's execution: @apollo/gateway loads the schema;
 * queries and mutations run on the router's QueryPlanExecutor, which calls
 * subgraphs through the shared keep-alive pools. A URL in `urlOverrides`
 * (keyed by upper-cased subgraph name) wins over the one the supergraph was
 * composed with, so one supergraph file serves every environment.
 */
export function createGateway(
  supergraphSdl: string,
  http: SubgraphHttpClient,
  urlOverrides: Record<string, string>,
  identitySecret: string,
  log: Logger,
  options: GatewayOptions = {},
): GatewaySetup {
  const routeOf = (name: string, url: string | undefined): string => {
    const resolved = urlOverrides[subgraphEnvKey(name)] ?? url;
    if (!resolved)
      throw new Error(`Subgraph ${name} has no URL: set SUBGRAPH_URL_${subgraphEnvKey(name)}`);
    return resolved;
  };
  const subgraphs = subgraphsOf(supergraphSdl).map((subgraph) => ({
    name: subgraph.name,
    url: routeOf(subgraph.name, subgraph.url),
  }));
  const sources: ServiceMap = Object.fromEntries(
    subgraphs.map(({ name, url }) => [
      name,
      new SubgraphDataSource({ url, fetcher: http.fetch as never }, name, identitySecret),
    ]),
  );
  // The gateway reads this when it is constructed; it has no option for it.
  process.env.APOLLO_TELEMETRY_DISABLED = options.apolloTelemetry ? 'false' : 'true';
  const loader = new ApolloGateway({
    supergraphSdl,
    logger: log,
    queryPlannerConfig: PLANNER_CONFIG,
    buildService: ({ name }) => {
      const source = sources[name];
      if (!source) throw new Error(`Subgraph ${name} is not in the supergraph`);
      return source;
    },
  });
  const planner = new SupergraphPlanner(supergraphSdl);
  const executor = new QueryPlanExecutor({
    planner,
    client: new SubgraphClient(
      subgraphs,
      http.dispatcher,
      options.deduplicate ?? true,
      options.resilience,
      options.observer,
    ),
    sources,
    identitySecret,
    fetchCache: options.fetchCache,
    planStore: options.planStore,
    deduplicate: options.deduplicate ?? true,
    hideSuggestions: options.hideSuggestions,
    planCalls: options.planCalls,
  });
  return {
    loadSchema: async () => {
      await loader.load();
      return planner.schema;
    },
    stop: () => loader.stop(),
    executor,
    planner,
    subgraphs,
    sources,
  };
}
