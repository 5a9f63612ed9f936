import type { Server } from 'node:http';
import {
  GraphQLError,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { AccessTokenVerifier, Identity } from '@shop/identity';
import { requestIdOf, type Logger } from '@shop/platform';
import { authenticate } from '../auth/authenticate';
import type { AuthRequirements } from '../auth/requirements';
import type { OperationLimits } from '../limits/operation-limits';
import type { RouterContext } from '../context';
import { rateLimitRefusal, type SubscriptionAdmission } from './admission';
import { prepareOperation, type PreparedOperation } from './prepare-subscription';
import type { SubscriptionHub } from './subscription-hub';
import { hasExpired, TOKEN_EXPIRED } from './token-expiry';

/** Runs a query or mutation sent over the socket the way HTTP requests run. */
export type OperationExecutor = (
  payload: { query: string; operationName?: string | null; variables?: unknown },
  context: RouterContext,
) => Promise<ExecutionResult>;

export interface GraphQLWsServerOptions {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  requirements: AuthRequirements;
  limits: OperationLimits;
  admission: SubscriptionAdmission;
  verifier: AccessTokenVerifier;
  hub: SubscriptionHub;
  executeOperation: OperationExecutor;
  /** Interval of pings to each client; a client that misses one is dropped. */
  keepAliveMs: number;
  production: boolean;
  log: Logger;
}

export interface GraphQLWsServer {
  /** Client sockets open right now. */
  readonly connections: number;
  /** Closes every client socket (1001) and stops accepting new ones. */
  close(): Promise<void>;
}

/** Who a connection acts for, from its connection_init. */
interface Connection {
  identity: Identity;
  expiresAt: Date | undefined;
  requestId: string;
}

interface OperationContext {
  prepared: PreparedOperation;
  payload: { query: string; operationName?: string | null; variables?: unknown };
  routerContext: RouterContext;
  expiresAt: Date | undefined;
}

/**
 * graphql-ws (graphql-transport-ws) on the router's own port and path. The
 * access token comes in connection_init's `authorization` ("Bearer <token>"
 * or the bare token); an invalid one closes the socket with 4403, and so
 * does an operation that needs a signed-in caller on an anonymous
 * connection, as the protocol prescribes. Subscriptions go to the hub;
 * queries and mutations sent over the socket run like HTTP ones.
 */
export function serveGraphQLOverWebSocket(options: GraphQLWsServerOptions): GraphQLWsServer {
  const { log } = options;
  const wss = new WebSocketServer({ server: options.httpServer, path: options.path });
  const connections = new WeakMap<object, Connection>();

  const server = useServer<Record<string, unknown> | undefined>(
    {
      schema: options.schema,
      isProd: options.production,
      onConnect: async (ctx) => {
        const given = ctx.connectionParams?.authorization;
        if (given !== undefined && typeof given !== 'string') return false;
        try {
          const { identity, expiresAt } = await authenticate(
            given && !/^bearer\s/i.test(given) ? `Bearer ${given}` : given,
            options.verifier,
          );
          connections.set(ctx, { identity, expiresAt, requestId: requestIdOf(ctx.extra.request) });
          return true;
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
          log.info({ reason: error.message }, 'subscription connection refused');
          return false;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        const connection = connections.get(ctx);
        if (!connection) return [new GraphQLError('The connection is not initialised')];
        if (hasExpired(connection.expiresAt)) return [asError(TOKEN_EXPIRED)];
        const limited = await rateLimitRefusal(
          options.admission,
          connection.identity,
          ctx.extra.request,
        );
        if (limited) return [asError(limited)];
        const prepared = prepareOperation(
          options.schema,
          options.requirements,
          connection.identity,
          payload,
          options.limits,
          options.admission.safelist,
        );
        if (prepared.kind === 'refused') {
          if (prepared.unauthenticated) {
            ctx.extra.socket.close(CloseCode.Forbidden, 'Forbidden');
          }
          return prepared.errors.map(asError);
        }
        const requestId = `${connection.requestId}:${id}`;
        const operation: OperationContext = {
          prepared,
          payload,
          routerContext: {
            requestId,
            log: log.child({ requestId }),
            identity: connection.identity,
          },
          expiresAt: connection.expiresAt,
        };
        const args: ExecutionArgs = {
          schema: options.schema,
          document:
            prepared.kind === 'subscription' ? prepared.request.document : prepared.document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: operation,
        };
        return args;
      },
      subscribe: (args) => {
        const { prepared, routerContext, expiresAt } = args.contextValue as OperationContext;
        if (prepared.kind !== 'subscription') throw new Error('Not a subscription');
        const subscriber = options.hub.subscribe(
          prepared.request,
          prepared.refusals,
          routerContext,
          expiresAt,
        );
        return subscriber.results;
      },
      execute: (args) => {
        const { prepared, payload, routerContext } = args.contextValue as OperationContext;
        if (prepared.kind !== 'operation') throw new Error('Not a query or mutation');
        return options.executeOperation(payload, routerContext);
      },
    },
    wss,
    options.keepAliveMs,
  );

  return {
    get connections() {
      return wss.clients.size;
    },
    // graphql-ws closes each client with 1001 (going away), then the server.
    async close() {
      await server.dispose();
    },
  };
}

function asError(error: GraphQLFormattedError): GraphQLError {
  return new GraphQLError(error.message, { path: error.path, extensions: error.extensions });
}
