import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import {
  IDENTITY_HEADER,
  InvalidIdentityError,
  verifyIdentity,
  type Identity,
} from '@shop/identity';
import type { LivePubSub } from '@shop/events';
import { requestIdOf, type Logger } from '@shop/platform';

/** What every subgraph's resolver context starts from. */
export interface BaseContext {
  requestId: string;
  log: Logger;
  /** Who the request acts for, as the router signed it. */
  identity: Identity;
  /** What subscriptions listen on: the subgraph's live pub/sub. */
  pubSub: LivePubSub;
}

/**
 * The request's id, logger and identity. A request without an identity
 * header signed for this subgraph (`identityKey`, identityKeyFor its name)
 * did not come through the router (or a sibling subgraph): it is refused
 * before anything runs, `_entities` included.
 */
export function baseContext(
  req: IncomingMessage,
  log: Logger,
  identityKey: string,
  pubSub: LivePubSub,
): BaseContext {
  const requestId = requestIdOf(req);
  const header = req.headers[IDENTITY_HEADER];
  let identity: Identity;
  try {
    identity = verifyIdentity(Array.isArray(header) ? header[0] : header, identityKey);
  } catch (error) {
    if (!(error instanceof InvalidIdentityError)) throw error;
    log.warn({ requestId, reason: error.message }, 'request refused: no valid identity');
    throw new GraphQLError('Requests must come through the router with a signed identity', {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  }
  return { requestId, log: log.child({ requestId }), identity, pubSub };
}
