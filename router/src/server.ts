import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  apolloHandler,
  close,
  createHttpServer,
  listen,
  sendJson,
  createServiceObservability,
  type Logger,
  type ObservabilityOptions,
} from '@shop/platform';
import type { LivePubSub } from '@shop/events';
import { createAccessTokenVerifier } from '@shop/identity';
import { createRouterCaches } from './caching/router-caches';
import type { RouterConfig } from './config';
import { subgraphEnvKey } from './datasources/subgraph-calls.settings';
import { createRouterContext, type RouterContext } from './context';
import { createSubgraphHttpClient } from './datasources/http-client';
import { createResultStringifier } from './execution/stringify-result';
import { subsequentParts } from './execution/subsequent-parts';
import { authorizationPlugin } from './auth/authorization.plugin';
import { graphiqlLandingPagePlugin } from './static/graphiql-landing-page.plugin';
import { loginThrottlePlugin } from './rate-limit/login-throttle.plugin';
import { createRouterErrorFormatter } from './errors/format-error';
import { operationLimitsPlugin } from './limits/limits.plugin';
import { loadSafelist, safelistPlugin, safelistQueryCache } from './limits/safelist';
import { createFailedLoginStore } from './rate-limit/login-throttle';
import { createRateLimitAdmission } from './rate-limit/rate-limit-admission';
import { checkSubgraphs } from './health/subgraph-health';
import { SubgraphResilience } from './resilience/subgraph-resilience';
import { startSubscriptions, type SubscriptionService } from './subscriptions';
import { entityCacheMetrics } from './observability/entity-cache-metrics';
import { planCallMetrics } from './observability/plan-calls';
import { rateLimitRefusalCounter, registerBreakerGauge } from './observability/protection-metrics';
import { subgraphCallObserver } from './observability/subgraph-call-observer';
import {
  registerSubscriptionGauges,
  subscriptionRefusalCounter,
} from './observability/subscription-metrics';
import { storefrontRoutes } from './static/storefront';
import { CurrentSupergraph } from './supergraph/current-supergraph';
import { supergraphGateway } from './supergraph/supergraph-gateway';
import { supergraphMetrics } from './supergraph/supergraph-metrics';
import { startSupergraphReload, type SupergraphReload } from './supergraph/supergraph-reload';
import type { SupergraphSource } from './supergraph/supergraph-source';
import {
  buildSupergraphState,
  type SupergraphStateDependencies,
} from './supergraph/supergraph-state';

export interface RunningRouter {
  url: string;
  port: number;
  /** /metrics on a listener of its own (METRICS_PORT), when it has one. */
  metricsUrl?: string;
  httpServer: Server;
  subscriptions: SubscriptionService;
  /** The supergraph served now (its hash, its subgraphs). */
  supergraph: CurrentSupergraph;
  /** Watching the supergraph's source, when the router was given one to watch. */
  reload?: SupergraphReload;
  stop(): Promise<void>;
}

export interface RouterOptions {
  /**
   * The live pub/sub subgraphs announce entity changes on, when they share
   * this process (a test stack); otherwise the router opens its own.
   */
  pubSub?: LivePubSub;
  /** Where spans go besides OTLP (tests pass an in-memory exporter). */
  observability?: ObservabilityOptions;
  /**
   * Where `supergraphSdl` came from: watched while serving (unless
   * SUPERGRAPH_RELOAD=false), each new supergraph validated and swapped in.
   */
  supergraphSource?: SupergraphSource;
}

/**
 * Serves a supergraph on one port: /graphql (GraphQL over HTTP), /live, /ready
 * and /health, with the storefront at / and GraphiQL at /graphiql.
 */
export async function startRouter(
  config: RouterConfig,
  supergraphSdl: string,
  log: Logger,
  options: RouterOptions = {},
): Promise<RunningRouter> {
  const http = createSubgraphHttpClient({ timeoutMs: config.subgraphCalls.timeoutMs });
  const observability = createServiceObservability(
    'router',
    config.observability,
    options.observability,
  );
  const verifier = await createAccessTokenVerifier(config.auth.jwtPublicKey, config.auth);
  const safelist = config.limits.safelistPath
    ? loadSafelist(config.limits.safelistPath)
    : undefined;
  const rateLimit = await createRateLimitAdmission(
    config.rateLimit,
    log,
    rateLimitRefusalCounter(observability.registry),
  );
  const failedLogins = await createFailedLoginStore(config.loginThrottle, log);
  const caches = await createRouterCaches(
    config.caching,
    log,
    options.pubSub,
    entityCacheMetrics(observability.registry),
  );
  const resilience = new SubgraphResilience(config.subgraphCalls, log, subgraphEnvKey);
  if (observability.registry) registerBreakerGauge(observability.registry, resilience);
  // What every supergraph state is built with: built once, they outlive reloads.
  // The entity cache is keyed by subgraph and the operation sent to it, which
  // mean the same whatever supergraph planned them; plans carry the schema hash.
  const stateDependencies: SupergraphStateDependencies = {
    http,
    subgraphUrls: config.subgraphCalls.urls,
    identitySecret: config.auth.identitySecret,
    limits: config.limits,
    log,
    gateway: {
      deduplicate: config.subgraphCalls.deduplication,
      fetchCache: caches.fetchCache,
      planStore: caches.planStore,
      resilience,
      observer: subgraphCallObserver(observability.registry, observability.tracing?.tracer),
      planCalls: planCallMetrics(observability.registry),
      hideSuggestions: !config.server.introspection,
      apolloTelemetry: config.server.apolloTelemetry,
    },
  };
  const supergraph = new CurrentSupergraph(
    await buildSupergraphState(supergraphSdl, stateDependencies),
  );

  const storefront = await storefrontRoutes(config.storefront, log);
  const routes: Parameters<typeof createHttpServer>[0]['routes'] = { ...storefront.routes };
  const httpServer = createHttpServer({
    routes,
    fallback: storefront.fallback,
    corsOrigins: config.server.corsOrigins,
    log,
  });

  const formatError = createRouterErrorFormatter(log, config.server.production);
  const apollo = new ApolloServer<RouterContext>({
    gateway: supergraphGateway(supergraph),
    introspection: config.server.introspection,
    // "Did you mean …?" would name the fields introspection hides. graphql-js's
    // own switch rather than Apollo's hideSchemaDetailsFromClientErrors, which
    // strips them from the messages once computed, and from validation's only.
    validationOptions: { hideSuggestions: !config.server.introspection },
    includeStacktraceInErrorResponses: !config.server.production,
    formatError,
    // MAX_TOKENS, the same in every state: it is the configuration's, not the supergraph's.
    parseOptions: supergraph.current.limits.parseOptions,
    stringifyResult: createResultStringifier(),
    // Batches would multiply every limit by their length; one operation per request.
    allowBatchedHttpRequests: false,
    // Persisted queries (and anything else Apollo Server caches), shared over Redis when set.
    ...(caches.apolloCache ? { cache: caches.apolloCache } : {}),
    ...(safelist ? { persistedQueries: { cache: safelistQueryCache(safelist) } } : {}),
    // Shutdown is the process's to run (stopOnSignals), in order, once.
    stopOnTerminationSignals: false,
    logger: log,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ...(safelist ? [safelistPlugin(safelist)] : []),
      operationLimitsPlugin((schema) => supergraph.stateOf(schema).limits),
      authorizationPlugin((schema) => supergraph.stateOf(schema).requirements),
      ...(failedLogins
        ? [loginThrottlePlugin(failedLogins, new Set(config.loginThrottle.mutations))]
        : []),
      ...observability.plugins<RouterContext>(),
      storefront.graphiqlPage
        ? graphiqlLandingPagePlugin<RouterContext>(storefront.graphiqlPage)
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  const subscriptions = startSubscriptions({
    supergraph,
    admission: { safelist, rateLimit },
    verifier,
    httpServer,
    path: '/graphql',
    countRefusal: subscriptionRefusalCounter(observability.registry),
    executeOperation: async (payload, contextValue) => {
      const response = await apollo.executeOperation(
        {
          query: payload.query,
          operationName: payload.operationName ?? undefined,
          variables: payload.variables as Record<string, unknown> | undefined,
        },
        { contextValue },
      );
      if (response.body.kind !== 'single') {
        return { errors: [{ message: 'Incremental delivery is not served over graphql-ws' }] };
      }
      return response.body.singleResult;
    },
    config,
    log,
  });

  routes['/graphql'] = observability.traced(
    apolloHandler(apollo, {
      context: async (req) => {
        const context = await createRouterContext(req, log, verifier);
        await rateLimit?.admit(context.identity, req);
        return context;
      },
      maxBodyBytes: config.limits.maxBodyBytes,
      divert: subscriptions.multipart,
      subsequentParts: ({ deferred }) =>
        deferred?.payloads && subsequentParts(deferred.payloads, formatError),
    }),
  );
  // GET /metrics: operations, subgraph calls, subscriptions and the process (unless METRICS_ENABLED=false),
  // on this port in development, on METRICS_PORT's listener when set.
  Object.assign(routes, observability.routes());
  if (observability.registry) {
    registerSubscriptionGauges(observability.registry, subscriptions.hub);
  }
  const metrics = supergraphMetrics(observability.registry, supergraph.current.hash);
  const reload =
    options.supergraphSource && config.supergraph.reload
      ? startSupergraphReload({
          source: options.supergraphSource,
          servedSdl: supergraphSdl,
          supergraph,
          build: (sdl) => buildSupergraphState(sdl, stateDependencies),
          metrics,
          log,
        })
      : undefined;
  // Liveness: the process answers. Readiness: every subgraph answers its own readiness.
  // Readiness is the router's own: with a subgraph down it still answers
  // everything that subgraph is not needed for (partial data otherwise), so
  // taking every router out of its Service would only make that worse.
  // /health reports the subgraphs, for people and dashboards.
  let stopping = false;
  routes['/live'] = (_req, res) => sendJson(res, 200, { status: 'ok' });
  routes['/ready'] = (_req, res) =>
    stopping ? sendJson(res, 503, { status: 'stopping' }) : sendJson(res, 200, { status: 'ok' });
  routes['/health'] = async (_req, res) => {
    const report = await checkSubgraphs(
      supergraph.current.subgraphs,
      http.fetch,
      config.subgraphCalls.healthTimeoutMs,
    );
    sendJson(res, report.status === 'ok' ? 200 : 503, report);
  };

  const port = await listen(httpServer, config.server.port, config.server.host);
  const url = `http://${config.server.host}:${port}/graphql`;
  const metricsUrl = await observability.listen();
  log.info(
    {
      url,
      metricsUrl,
      subgraphs: supergraph.current.subgraphs.map((subgraph) => subgraph.name),
      supergraphHash: supergraph.current.hash,
      watching: reload ? options.supergraphSource?.location : undefined,
    },
    'router listening',
  );

  return {
    url,
    port,
    metricsUrl,
    httpServer,
    subscriptions,
    supergraph,
    reload,
    async stop() {
      stopping = true;
      await reload?.stop();
      await subscriptions.stop();
      await apollo.stop();
      if (httpServer.listening) await close(httpServer);
      await http.close();
      await rateLimit?.close();
      await failedLogins?.close();
      await caches.close();
      await observability.shutdown();
    },
  };
}
