import type { Server } from 'node:http';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import {
  apolloHandler,
  close,
  createHttpServer,
  listen,
  sendJson,
  type Logger,
} from '@shop/platform';
import { createAccessTokenVerifier } from '@shop/identity';
import { prepareSupergraph } from './auth/security-features';
import type { RouterConfig } from './config';
import { createRouterContext, type RouterContext } from './context';
import { createSubgraphHttpClient } from './datasources/http-client';
import { createGateway } from './gateway';
import { authorizationPlugin } from './plugins/authorization.plugin';
import { checkSubgraphs } from './health/subgraph-health';
import { startSubscriptions, type SubscriptionService } from './subscriptions';

export interface RunningRouter {
  url: string;
  port: number;
  httpServer: Server;
  subscriptions: SubscriptionService;
  stop(): Promise<void>;
}

/** Serves a supergraph on one port: /graphql (GraphQL over HTTP) and /health. */
export async function startRouter(
  config: RouterConfig,
  supergraphSdl: string,
  log: Logger,
): Promise<RunningRouter> {
  const http = createSubgraphHttpClient({ timeoutMs: config.subgraphTimeoutMs });
  const verifier = await createAccessTokenVerifier(config.auth.jwtPublicKey, config.auth);
  const { gatewaySdl, requirements } = prepareSupergraph(supergraphSdl);
  const { gateway, subgraphs, sources } = createGateway(
    gatewaySdl,
    http,
    config.subgraphUrls,
    config.auth.identitySecret,
    log,
  );

  const routes: Parameters<typeof createHttpServer>[0]['routes'] = {};
  const httpServer = createHttpServer({ routes, corsOrigins: config.corsOrigins, log });

  const apollo = new ApolloServer<RouterContext>({
    gateway,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: !config.production,
    // Shutdown is the process's to run (stopOnSignals), in order, once.
    stopOnTerminationSignals: false,
    logger: log,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      authorizationPlugin(requirements),
      config.introspection
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  const subscriptions = startSubscriptions({
    gatewaySdl,
    subgraphs,
    sources,
    requirements,
    verifier,
    httpServer,
    path: '/graphql',
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
        return { errors: [new GraphQLError('Incremental delivery is not served over graphql-ws')] };
      }
      return response.body.singleResult as ExecutionResult;
    },
    config,
    log,
  });

  routes['/graphql'] = apolloHandler(apollo, {
    context: (req) => createRouterContext(req, log, verifier),
    maxBodyBytes: config.maxBodyBytes,
    divert: subscriptions.multipart,
  });
  routes['/health'] = async (_req, res) => {
    const report = await checkSubgraphs(subgraphs, http.fetch, config.healthTimeoutMs);
    sendJson(res, report.status === 'ok' ? 200 : 503, report);
  };

  const port = await listen(httpServer, config.port, config.host);
  const url = `http://${config.host}:${port}/graphql`;
  log.info({ url, subgraphs: subgraphs.map((subgraph) => subgraph.name) }, 'router listening');

  return {
    url,
    port,
    httpServer,
    subscriptions,
    async stop() {
      await subscriptions.stop();
      await apollo.stop();
      if (httpServer.listening) await close(httpServer);
      await http.close();
    },
  };
}
