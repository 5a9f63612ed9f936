import type { Server } from 'node:http';
import type { ServiceMap } from '@apollo/gateway';
import type { AccessTokenVerifier } from '@shop/identity';
import type { Logger } from '@shop/platform';
import type { AuthRequirements } from '../auth/requirements';
import type { OperationLimits } from '../limits/operation-limits';
import type { SubscriptionAdmission } from './admission';
import type { RouterConfig } from '../config';
import type { SupergraphSubgraph } from '../supergraph';
import { ConnectionAdmission, type RefusalReason } from './connection-admission';
import { EventExecutor } from './event-executor';
import { serveGraphQLOverWebSocket, type OperationExecutor } from './graphql-ws-server';
import { multipartSubscriptions } from './multipart-subscriptions';
import { SubgraphSubscriptions } from './subgraph-subscriptions';
import { SubscriptionHub } from './subscription-hub';
import { SubscriptionPlanner } from './subscription-planner';
import type { SupergraphPlanner } from '../execution/supergraph-planner';

export interface SubscriptionServiceOptions {
  /** The supergraph's one query planner, shared with the query executor. */
  planner: SupergraphPlanner;
  subgraphs: SupergraphSubgraph[];
  sources: ServiceMap;
  requirements: AuthRequirements;
  limits: OperationLimits;
  admission: SubscriptionAdmission;
  verifier: AccessTokenVerifier;
  httpServer: Server;
  path: string;
  executeOperation: OperationExecutor;
  /** Counts each refusal at the connection limits (/metrics). */
  countRefusal: (reason: RefusalReason) => void;
  config: RouterConfig;
  log: Logger;
}

const SHUTTING_DOWN = [
  { message: 'The router is shutting down', extensions: { code: 'SHUTTING_DOWN' } },
];

/**
 * Federated subscriptions, which the stock gateway refuses: planned by the
 * query planner, the primary fetch opened upstream over graphql-ws, `rest`
 * executed per event; served to clients over graphql-ws on the router's
 * /graphql and over multipart HTTP.
 */
export function startSubscriptions(options: SubscriptionServiceOptions) {
  const { config, log } = options;
  const planner = new SubscriptionPlanner(options.planner);
  const upstream = new SubgraphSubscriptions({
    urls: Object.fromEntries(options.subgraphs.map(({ name, url }) => [name, url])),
    identitySecret: config.auth.identitySecret,
    keepAliveMs: config.subscriptions.keepAliveMs,
    log,
  });
  const hub = new SubscriptionHub(planner, new EventExecutor(planner, options.sources), upstream, {
    maxQueuedEvents: config.subscriptions.maxQueuedEvents,
    log,
  });
  const connectionLimits = new ConnectionAdmission(
    config.subscriptions.limits,
    options.countRefusal,
  );
  const webSocket = serveGraphQLOverWebSocket({
    httpServer: options.httpServer,
    path: options.path,
    schema: planner.schema,
    requirements: options.requirements,
    limits: options.limits,
    hideSuggestions: !config.introspection,
    admission: options.admission,
    connectionLimits,
    verifier: options.verifier,
    hub,
    executeOperation: options.executeOperation,
    keepAliveMs: config.subscriptions.keepAliveMs,
    production: config.production,
    log,
  });
  const multipart = multipartSubscriptions({
    schema: planner.schema,
    requirements: options.requirements,
    limits: options.limits,
    hideSuggestions: !config.introspection,
    admission: options.admission,
    connectionLimits,
    verifier: options.verifier,
    hub,
    heartbeatMs: config.subscriptions.multipartHeartbeatMs,
    log,
  });

  return {
    hub,
    upstream,
    webSocket,
    /** Serves a multipart subscription request; false when the request is not one. */
    multipart,
    /** Ends every subscription with an error saying why, then closes every socket. */
    async stop(): Promise<void> {
      await hub.close(SHUTTING_DOWN);
      await webSocket.close();
    },
  };
}

export type SubscriptionService = ReturnType<typeof startSubscriptions>;
