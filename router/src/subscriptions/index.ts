import type { Server } from 'node:http';
import type { AccessTokenVerifier } from '@shop/identity';
import type { Logger } from '@shop/platform';
import type { SubscriptionAdmission } from './admission';
import type { RouterConfig } from '../config';
import type { CurrentSupergraph } from '../supergraph/current-supergraph';
import { ConnectionAdmission, type RefusalReason } from './connection-admission';
import { serveGraphQLOverWebSocket, type OperationExecutor } from './graphql-ws-server';
import { multipartSubscriptions } from './multipart-subscriptions';
import { SubgraphSubscriptions } from './subgraph-subscriptions';
import { SubscriptionHub } from './subscription-hub';
import { subscriptionSupergraphOf } from './subscription-supergraph';

export interface SubscriptionServiceOptions {
  /** Subscriptions plan with each state's planner, the query executor's. */
  supergraph: CurrentSupergraph;
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
 * /graphql and over multipart HTTP. A new supergraph carries each running
 * subscription over, or ends it saying why.
 */
export function startSubscriptions(options: SubscriptionServiceOptions) {
  const { config, log } = options;
  const current = () => subscriptionSupergraphOf(options.supergraph.current);
  const upstream = new SubgraphSubscriptions({
    identitySecret: config.auth.identitySecret,
    keepAliveMs: config.subscriptions.keepAliveMs,
    log,
  });
  const hub = new SubscriptionHub(upstream, {
    maxQueuedEvents: config.subscriptions.maxQueuedEvents,
    current,
    log,
  });
  const stopFollowing = options.supergraph.onSwap((next) =>
    hub.moveTo(subscriptionSupergraphOf(next)),
  );
  const connectionLimits = new ConnectionAdmission(
    config.subscriptions.limits,
    options.countRefusal,
  );
  const webSocket = serveGraphQLOverWebSocket({
    httpServer: options.httpServer,
    path: options.path,
    supergraph: current,
    hideSuggestions: !config.server.introspection,
    admission: options.admission,
    connectionLimits,
    verifier: options.verifier,
    hub,
    executeOperation: options.executeOperation,
    keepAliveMs: config.subscriptions.keepAliveMs,
    production: config.server.production,
    log,
  });
  const multipart = multipartSubscriptions({
    supergraph: current,
    hideSuggestions: !config.server.introspection,
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
      stopFollowing();
      await hub.close(SHUTTING_DOWN);
      await webSocket.close();
    },
  };
}

export type SubscriptionService = ReturnType<typeof startSubscriptions>;
