import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GraphQLError,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import WebSocket, { WebSocketServer } from 'ws';
import type { AccessTokenVerifier, Identity } from '@shop/identity';
import { JsonTooDeepError, jsonValueTooDeep, requestIdOf, type Logger } from '@shop/platform';
import { authenticate, type Authentication } from '../auth/authenticate';
import { clientAddressOf } from '../client-address';
import type { RouterContext } from '../context';
import { rateLimitRefusal, type SubscriptionAdmission } from './admission';
import { TRY_AGAIN_LATER, type ConnectionAdmission } from './connection-admission';
import { prepareOperation, type PreparedOperation } from './prepare-subscription';
import type { SubscriptionHub } from './subscription-hub';
import type { SubscriptionSupergraph } from './subscription-supergraph';
import { hasExpired, TOKEN_EXPIRED } from './token-expiry';

/** Runs a query or mutation sent over the socket the way HTTP requests run, answered formatted. */
export type OperationExecutor = (
  payload: { query: string; operationName?: string | null; variables?: unknown },
  context: RouterContext,
) => Promise<FormattedExecutionResult>;

export interface GraphQLWsServerOptions {
  httpServer: Server;
  path: string;
  /** The supergraph served now: each operation is prepared, and runs, on the one of its start. */
  supergraph: () => SubscriptionSupergraph;
  /** No "Did you mean …?" in errors: it would name what introspection hides. */
  hideSuggestions: boolean;
  admission: SubscriptionAdmission;
  /** Connections per address and per user, operations per connection, the wait for connection_init. */
  connectionLimits: ConnectionAdmission;
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
  supergraph: SubscriptionSupergraph;
  prepared: PreparedOperation;
  payload: { query: string; operationName?: string | null; variables?: unknown };
  routerContext: RouterContext;
  expiresAt: Date | undefined;
}

/** How long a refused client has to answer our close frame before its socket is cut. */
const REFUSED_SOCKET_GRACE_MS = 1_000;

/**
 * graphql-ws (graphql-transport-ws) on the router's own port and path. The
 * access token comes in connection_init's `authorization` ("Bearer <token>"
 * or the bare token); an invalid one closes the socket with 4403, and so
 * does an operation that needs a signed-in caller on an anonymous
 * connection, as the protocol prescribes. Subscriptions go to the hub;
 * queries and mutations sent over the socket run like HTTP ones.
 *
 * Every socket holds a slot of its address from the upgrade on and, once
 * connection_init names a user, one of that user; a socket over either
 * limit is closed with 1013 before graphql-ws sees it or once its
 * connection_init is read. graphql-ws itself closes a socket that sends no
 * connection_init in time (4408).
 */
export function serveGraphQLOverWebSocket(options: GraphQLWsServerOptions): GraphQLWsServer {
  const { log, connectionLimits } = options;
  // noServer: the router completes each upgrade itself, so a refused socket never reaches graphql-ws.
  const wss = new WebSocketServer({ noServer: true, path: options.path });
  const connections = new WeakMap<object, Connection>();
  const initialised = new WeakSet<WebSocket>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    wss.handleUpgrade(req, socket, head, (client) => {
      const slot = connectionLimits.admitAddress(clientAddressOf(req));
      if (!('release' in slot)) return refuse(client, slot.refused);
      client.once('close', slot.release);
      // Only counts: graphql-ws's own timer closes the socket (4408). Set in
      // the same tick with the same delay, this one fires just before it and
      // sees what it will see: connection_init read or not.
      const initWait = setTimeout(() => {
        if (client.readyState === WebSocket.OPEN && !initialised.has(client)) {
          connectionLimits.refused('connection_init_timeout');
        }
      }, connectionLimits.settings.initTimeoutMs);
      client.once('close', () => clearTimeout(initWait));
      wss.emit('connection', client, req);
    });
  options.httpServer.on('upgrade', onUpgrade);

  const server = useServer<Record<string, unknown> | undefined>(
    {
      isProd: options.production,
      connectionInitWaitTimeout: connectionLimits.settings.initTimeoutMs,
      onConnect: async (ctx) => {
        const { socket } = ctx.extra;
        initialised.add(socket);
        const given = ctx.connectionParams?.authorization;
        if (given !== undefined && typeof given !== 'string') return false;
        let authentication: Authentication;
        try {
          authentication = await authenticate(
            given && !/^bearer\s/i.test(given) ? `Bearer ${given}` : given,
            options.verifier,
          );
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
          log.info({ reason: error.message }, 'subscription connection refused');
          return false;
        }
        // Gone while its token was checked: a slot taken now would never be given back.
        if (socket.readyState !== WebSocket.OPEN) return false;
        const slot = connectionLimits.admitIdentity(authentication.identity);
        if (!('release' in slot)) {
          // graphql-ws's own close (4403) after this one does nothing: the first code stands.
          refuse(socket, slot.refused);
          return false;
        }
        socket.once('close', slot.release);
        connections.set(ctx, {
          identity: authentication.identity,
          expiresAt: authentication.expiresAt,
          requestId: requestIdOf(ctx.extra.request),
        });
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        // graphql-ws has registered this operation already: the count includes it.
        const tooMany = connectionLimits.operationRefusal(Object.keys(ctx.subscriptions).length);
        if (tooMany) return [tooMany];
        // graphql-ws has parsed the message: the depth HTTP bodies are held to, before any work.
        if (jsonValueTooDeep(payload)) return [new JsonTooDeepError()];
        const connection = connections.get(ctx);
        if (!connection) return [new GraphQLError('The connection is not initialised')];
        if (hasExpired(connection.expiresAt)) return [asError(TOKEN_EXPIRED)];
        const limited = await rateLimitRefusal(
          options.admission,
          connection.identity,
          ctx.extra.request,
        );
        if (limited) return [asError(limited)];
        const supergraph = options.supergraph();
        const prepared = prepareOperation(
          supergraph.planner,
          supergraph.state.requirements,
          connection.identity,
          payload,
          supergraph.state.limits,
          options.admission.safelist,
          options.hideSuggestions,
        );
        if (prepared.kind === 'refused') {
          if (prepared.unauthenticated) {
            ctx.extra.socket.close(CloseCode.Forbidden, 'Forbidden');
          }
          return prepared.errors.map(asError);
        }
        const requestId = `${connection.requestId}:${id}`;
        const operation: OperationContext = {
          supergraph,
          prepared,
          payload,
          routerContext: {
            requestId,
            log: log.child({ requestId }),
            identity: connection.identity,
            clientAddress: clientAddressOf(ctx.extra.request),
          },
          expiresAt: connection.expiresAt,
        };
        const args: ExecutionArgs = {
          schema: supergraph.planner.schema,
          document:
            prepared.kind === 'subscription' ? prepared.request.document : prepared.document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: operation,
        };
        return args;
      },
      subscribe: (args) => {
        const { supergraph, prepared, routerContext, expiresAt } =
          args.contextValue as OperationContext;
        if (prepared.kind !== 'subscription') throw new Error('Not a subscription');
        const subscriber = options.hub.subscribe(
          prepared.request,
          prepared.refusals,
          routerContext,
          expiresAt,
          supergraph,
        );
        return subscriber.results;
      },
      execute: async (args): Promise<ExecutionResult> => {
        const { prepared, payload, routerContext } = args.contextValue as OperationContext;
        if (prepared.kind !== 'operation') throw new Error('Not a query or mutation');
        const { errors, ...result } = await options.executeOperation(payload, routerContext);
        // graphql-ws sends errors through their toJSON, which formatted ones (plain objects) lack:
        // a failed login over the socket would otherwise close it with 4500.
        return errors ? { ...result, errors: errors.map(asError) } : result;
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
      options.httpServer.off('upgrade', onUpgrade);
      await server.dispose();
    },
  };
}

/** Closes a socket over a limit with 1013, cutting it if the client does not answer the close. */
function refuse(socket: WebSocket, reason: string): void {
  socket.close(TRY_AGAIN_LATER, reason);
  // Otherwise a client that never answers holds its socket for ws's 30 s closing timeout.
  const cut = setTimeout(() => socket.terminate(), REFUSED_SOCKET_GRACE_MS);
  socket.once('close', () => clearTimeout(cut));
}

function asError(error: GraphQLFormattedError): GraphQLError {
  return new GraphQLError(error.message, { path: error.path, extensions: error.extensions });
}
