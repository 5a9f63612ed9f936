import type { IncomingMessage, ServerResponse } from 'node:http';
import { getOperationAST, parse, type GraphQLFormattedError } from 'graphql';
import type { AccessTokenVerifier } from '@shop/identity';
import { MULTIPART_SPECS, openMultipart, requestIdOf, sendJson, type Logger } from '@shop/platform';
import { authenticate, authorizationOf, type Authentication } from '../auth/authenticate';
import { clientAddressOf } from '../client-address';
import { rateLimitRefusal, type SubscriptionAdmission } from './admission';
import { ConnectionLimitCode, type ConnectionAdmission } from './connection-admission';
import { prepareOperation, type IncomingOperation } from './prepare-subscription';
import type { SubscriptionHub } from './subscription-hub';
import type { SubscriptionSupergraph } from './subscription-supergraph';

export interface MultipartSubscriptionOptions {
  /** The supergraph served now: a subscription is prepared, and runs, on the one of its start. */
  supergraph: () => SubscriptionSupergraph;
  /** No "Did you mean …?" in errors: it would name what introspection hides. */
  hideSuggestions: boolean;
  admission: SubscriptionAdmission;
  /** The per-address and per-user limits graphql-ws connections count against too. */
  connectionLimits: ConnectionAdmission;
  verifier: AccessTokenVerifier;
  hub: SubscriptionHub;
  /** Interval of the empty `{}` parts that keep proxies from closing an idle stream. */
  heartbeatMs: number;
  log: Logger;
}

/** Whether the client speaks Apollo's multipart subscription protocol. */
export function acceptsMultipartSubscriptions(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('multipart/mixed') && accept.includes('subscriptionSpec');
}

/**
 * Subscriptions over HTTP as Apollo Client and Sandbox speak them
 * (multipart/mixed, subscriptionSpec 1.0): every event is a part
 * `{"payload": <result>}`, `{}` parts are heartbeats, and the closing
 * boundary ends the stream. Answers false for anything that is not a
 * subscription, which the gateway serves as usual.
 */
export function multipartSubscriptions(options: MultipartSubscriptionOptions) {
  return async (req: IncomingMessage, res: ServerResponse, body: unknown): Promise<boolean> => {
    // Most requests are not subscriptions; only those that might be are parsed here.
    if (!isOperation(body) || !body.query.includes('subscription')) return false;
    if (!acceptsMultipartSubscriptions(req)) {
      if (!isSubscription(body)) return false;
      sendJson(res, 400, {
        errors: [
          {
            message:
              'Subscriptions are served over graphql-ws on this URL, or over HTTP with Accept: multipart/mixed;subscriptionSpec="1.0"',
            extensions: { code: 'BAD_REQUEST' },
          },
        ],
      });
      return true;
    }

    let authentication: Authentication;
    try {
      authentication = await authenticate(authorizationOf(req), options.verifier);
    } catch (error) {
      const { message, extensions } = error as GraphQLFormattedError;
      sendJson(res, 401, { errors: [{ message, extensions: { code: extensions?.code } }] });
      return true;
    }
    const supergraph = options.supergraph();
    const prepared = prepareOperation(
      supergraph.planner,
      supergraph.state.requirements,
      authentication.identity,
      body,
      supergraph.state.limits,
      options.admission.safelist,
      options.hideSuggestions,
    );
    if (prepared.kind === 'operation') return false;
    const limited = await rateLimitRefusal(options.admission, authentication.identity, req);
    if (limited) {
      const { retryAfterSeconds, ...error } = limited;
      res.setHeader('retry-after', String(retryAfterSeconds));
      sendJson(res, 429, { errors: [error] });
      return true;
    }
    if (prepared.kind === 'refused') {
      sendJson(res, prepared.unauthenticated ? 401 : 400, { errors: prepared.errors });
      return true;
    }

    // Gone while being authenticated: no 'close' would come to give a slot back.
    if (req.socket.destroyed) return true;
    const clientAddress = clientAddressOf(req);
    const slot = options.connectionLimits.admit(clientAddress, authentication.identity);
    if (!('release' in slot)) {
      sendJson(res, 429, {
        errors: [
          {
            message: slot.refused,
            extensions: { code: ConnectionLimitCode.MAX_CONNECTIONS_EXCEEDED },
          },
        ],
      });
      return true;
    }
    res.once('close', slot.release);

    const requestId = requestIdOf(req);
    const subscriber = options.hub.subscribe(
      prepared.request,
      prepared.refusals,
      {
        requestId,
        log: options.log.child({ requestId }),
        identity: authentication.identity,
        clientAddress,
      },
      authentication.expiresAt,
      supergraph,
    );
    res.statusCode = 200;
    const multipart = openMultipart(res, MULTIPART_SPECS.subscription);
    const part = multipart.part;
    part('{}');
    const heartbeat = setInterval(() => part('{}'), options.heartbeatMs);
    // The client went away: leave the subscription (the upstream one closes with its last client).
    res.once('close', () => void subscriber.results.return?.());
    try {
      for await (const result of subscriber.results) part(JSON.stringify({ payload: result }));
    } finally {
      clearInterval(heartbeat);
      multipart.end();
    }
    return true;
  };
}

function isOperation(body: unknown): body is IncomingOperation & { query: string } {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { query?: unknown }).query === 'string'
  );
}

function isSubscription(body: IncomingOperation & { query: string }): boolean {
  try {
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
    return getOperationAST(parse(body.query), operationName)?.operation === 'subscription';
  } catch {
    return false; // the gateway answers the syntax error as usual
  }
}
