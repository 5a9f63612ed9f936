import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { LivePubSub } from '@shop/events';
import { identityKeyFor } from '@shop/identity';
import {
  apolloHandler,
  close,
  createHttpServer,
  listen,
  sendJson,
  type Logger,
  type RouteHandler,
  type ServiceObservability,
} from '@shop/platform';
import { createErrorFormatter } from './format-error';
import { baseContext, type BaseContext } from './request-context';
import { serveSubscriptions } from './subscription-server';

/** The path of GraphQL, over HTTP and over graphql-ws alike. */
const GRAPHQL_PATH = '/graphql';

export interface SubgraphServerOptions<Context extends BaseContext> {
  name: string;
  schema: GraphQLSchema;
  host: string;
  /** 0 picks a free port. */
  port: number;
  log: Logger;
  context: (base: BaseContext) => Promise<Context> | Context;
  /** The subgraph's own HTTP routes, by exact path. */
  routes?: Record<string, RouteHandler>;
  /** Shared with the router; a request's identity must be signed for this subgraph (`name`). */
  identitySecret: string;
  /** What subscriptions listen on. */
  pubSub: LivePubSub;
  /** How often the server pings each graphql-ws socket; one silent until the next ping is cut off. */
  keepAliveMs: number;
  /** Resolves when the subgraph's dependencies (its database) answer; throws otherwise. */
  health: () => Promise<void>;
  production: boolean;
  maxBodyBytes?: number;
  /** /metrics, per-operation metrics and server spans continuing the router's trace. */
  observability?: ServiceObservability;
}

export interface RunningSubgraph {
  name: string;
  url: string;
  port: number;
  /** /metrics on a listener of its own (METRICS_PORT), when it has one. */
  metricsUrl?: string;
  httpServer: Server;
  stop(): Promise<void>;
}

/**
 * Serves one subgraph: POST/GET /graphql through Apollo Server, subscriptions
 * over graphql-ws on the same path, GET /live, GET /ready (and /health, the same),
 * GET /metrics (unless METRICS_ENABLED=false; on METRICS_PORT's listener when set).
 */
export async function startSubgraphServer<Context extends BaseContext>(
  options: SubgraphServerOptions<Context>,
): Promise<RunningSubgraph> {
  const routes: Parameters<typeof createHttpServer>[0]['routes'] = { ...options.routes };
  const httpServer = createHttpServer({ routes, log: options.log });

  const introspection = !options.production;
  const apollo = new ApolloServer<Context>({
    schema: options.schema,
    // Subgraphs are called by the router, which serves introspection to people.
    introspection,
    // "Did you mean …?" names what introspection hides (graphql-js's switch: see the router's server).
    validationOptions: { hideSuggestions: !introspection },
    includeStacktraceInErrorResponses: !options.production,
    formatError: createErrorFormatter(options.log, !options.production),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // Federated traces would tell any caller how long each resolver took.
      ApolloServerPluginInlineTraceDisabled(),
      ...(options.observability?.plugins<Context>() ?? []),
    ],
    // Shutdown is the process's to run (stopOnSignals), in order, once.
    stopOnTerminationSignals: false,
    logger: options.log,
  });
  await apollo.start();

  const maxBodyBytes = options.maxBodyBytes ?? 1_000_000;
  const identityKey = identityKeyFor(options.identitySecret, options.name);
  const graphql = apolloHandler(apollo, {
    context: async (req) =>
      options.context(baseContext(req, options.log, identityKey, options.pubSub)),
    maxBodyBytes,
  });
  routes[GRAPHQL_PATH] = options.observability?.traced(graphql) ?? graphql;
  Object.assign(routes, options.observability?.routes());
  const subscriptions = serveSubscriptions({
    httpServer,
    path: GRAPHQL_PATH,
    schema: options.schema,
    log: options.log,
    identityKey,
    pubSub: options.pubSub,
    context: options.context,
    production: options.production,
    keepAliveMs: options.keepAliveMs,
    maxMessageBytes: maxBodyBytes,
  });
  // Liveness: the process answers. Readiness: its database answers too, so an
  // orchestrator stops sending it traffic without restarting it.
  routes['/live'] = (_req, res) => sendJson(res, 200, { status: 'ok', service: options.name });
  const ready: RouteHandler = async (_req, res) => {
    try {
      await options.health();
      sendJson(res, 200, { status: 'ok', service: options.name });
    } catch (error) {
      options.log.warn({ err: error }, 'readiness check failed');
      sendJson(res, 503, { status: 'unavailable', service: options.name });
    }
  };
  routes['/ready'] = ready;
  // The router's checks and existing callers ask /health, which means ready.
  routes['/health'] = ready;

  const port = await listen(httpServer, options.port, options.host);
  const url = `http://${options.host}:${port}${GRAPHQL_PATH}`;
  // Closed by whoever made the observability, with the rest of it.
  const metricsUrl = await options.observability?.listen();
  options.log.info({ url, metricsUrl }, 'subgraph listening');

  return {
    name: options.name,
    url,
    port,
    metricsUrl,
    httpServer,
    async stop() {
      // Sockets first: the HTTP server's close waits for every connection, upgraded ones too.
      await subscriptions.stop();
      await apollo.stop();
      if (httpServer.listening) await close(httpServer);
    },
  };
}
