import type { Server } from 'node:http';
import { createSourceEventStream, execute, GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { LivePubSub } from '@shop/events';
import {
  IDENTITY_HEADER,
  InvalidIdentityError,
  verifyIdentity,
  type Identity,
} from '@shop/identity';
import { validRequestId, type Logger, REQUEST_ID_HEADER } from '@shop/platform';
import { createErrorFormatter } from './format-error';
import type { BaseContext } from './request-context';

/** How long stop() waits for clients to answer the close handshake before cutting them off. */
const CLOSE_GRACE_MS = 1_000;

/** Who a connection acts for, verified once, at connection_init. */
interface Connection {
  identity: Identity;
  requestId: string;
}

export interface SubscriptionServerOptions<Context extends BaseContext> {
  httpServer: Server;
  /** The HTTP GraphQL path: graphql-ws is served on the same one. */
  path: string;
  schema: GraphQLSchema;
  log: Logger;
  /** Verifies connection_init's identity: the key of this subgraph's audience (identityKeyFor). */
  identityKey: string;
  pubSub: LivePubSub;
  context: (base: BaseContext) => Promise<Context> | Context;
  production: boolean;
  /** The server pings every socket this often; one that has not answered by the next ping is cut off. */
  keepAliveMs: number;
  maxMessageBytes: number;
}

export interface SubscriptionServer {
  /** Closes every socket (1001, Going away) and stops accepting new ones. */
  stop(): Promise<void>;
}

/**
 * Serves subscriptions over graphql-ws (graphql-transport-ws) on the
 * subgraph's HTTP server. The router connects with the signed identity in
 * connection_init (`x-shop-identity`, as the HTTP header, signed for this
 * subgraph, and optionally `x-request-id`); without a valid one the
 * connection is closed 4403. It is checked once, at connection_init: its
 * short life bounds when a connection may open, not how long it lasts.
 * Queries and mutations stay on HTTP, where Apollo serves them.
 *
 * Every event is executed with a context of its own, built like the
 * subscription's: loaders are per request, and a subscription's context
 * lives as long as the subscription, so resolving the second event through
 * the first one's loaders would answer rows cached at the first event.
 */
export function serveSubscriptions<Context extends BaseContext>(
  options: SubscriptionServerOptions<Context>,
): SubscriptionServer {
  const { log } = options;
  const formatError = createErrorFormatter(log, !options.production);
  const renewals = new WeakMap<object, () => Promise<Context> | Context>();
  const wss = new WebSocketServer({
    server: options.httpServer,
    path: options.path,
    maxPayload: options.maxMessageBytes,
  });

  const server = useServer<Record<string, unknown>, { connection: Connection }>(
    {
      schema: options.schema,
      isProd: options.production,
      onConnect: (ctx) => {
        const params = ctx.connectionParams ?? {};
        const requestId = validRequestId(params[REQUEST_ID_HEADER]);
        const header = params[IDENTITY_HEADER];
        try {
          const identity = verifyIdentity(
            typeof header === 'string' ? header : undefined,
            options.identityKey,
          );
          ctx.extra.connection = { identity, requestId };
          return true;
        } catch (error) {
          if (!(error instanceof InvalidIdentityError)) throw error;
          log.warn(
            { requestId, reason: error.message },
            'subscriptions refused: no valid identity',
          );
          return false;
        }
      },
      context: async (ctx, id) => {
        // graphql-ws runs no operation on a connection onConnect did not accept.
        const { identity, requestId } = ctx.extra.connection!;
        const base = (): BaseContext => ({
          requestId,
          log: log.child({ requestId, subscription: id }),
          identity,
          pubSub: options.pubSub,
        });
        const context = await options.context(base());
        renewals.set(context, () => options.context(base()));
        return context;
      },
      subscribe: async (args) => {
        const source = await createSourceEventStream(args);
        if (!(Symbol.asyncIterator in source)) return source;
        const renew = renewals.get(args.contextValue as object);
        if (!renew) throw new Error('A subscription runs with a context this server built');
        (args.contextValue as Context).log.debug(
          { operationName: args.operationName },
          'subscription listening',
        );
        return mapEvents(source, async (event) =>
          execute({ ...args, rootValue: event, contextValue: await renew() }),
        );
      },
      execute: () => ({
        errors: [
          new GraphQLError('Only subscriptions are served over graphql-ws; use HTTP', {
            extensions: { code: 'BAD_REQUEST' },
          }),
        ],
      }),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors && {
          ...result,
          errors: result.errors.map((error) => formatError(error.toJSON(), error)),
        },
    },
    wss,
    options.keepAliveMs,
  );

  return {
    async stop() {
      const cutOff = setTimeout(() => {
        for (const socket of wss.clients) socket.terminate();
      }, CLOSE_GRACE_MS);
      try {
        await server.dispose();
      } finally {
        clearTimeout(cutOff);
      }
    },
  };
}

/**
 * The source's events through `map`, one at a time. Not an async generator:
 * a generator's return() waits for its pending next(), which waits for the
 * next event, so unsubscribing would hang until one came.
 */
function mapEvents<T, R>(
  source: AsyncIterable<T>,
  map: (event: T) => Promise<R>,
): AsyncIterableIterator<R> {
  const events = source[Symbol.asyncIterator]();
  const iterator: AsyncIterableIterator<R> = {
    async next() {
      const step = await events.next();
      return step.done ? { value: undefined, done: true } : { value: await map(step.value) };
    },
    async return() {
      await events.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
