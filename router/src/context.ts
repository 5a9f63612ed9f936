import type { IncomingMessage } from 'node:http';
import type { AccessTokenVerifier, Identity } from '@shop/identity';
import { requestIdOf, type Logger } from '@shop/platform';
import { authenticate, authorizationOf } from './auth/authenticate';
import { clientAddressOf } from './client-address';
import type { IncrementalDeliveryContext } from './execution/incremental-delivery';

/** Per request; the executor leaves the deferred parts of an operation here for the HTTP layer. */
export interface RouterContext extends IncrementalDeliveryContext {
  requestId: string;
  log: Logger;
  identity: Identity;
  /** The caller's address as its limits count it (clientAddressOf). */
  clientAddress: string;
}

export async function createRouterContext(
  req: IncomingMessage,
  log: Logger,
  verifier: AccessTokenVerifier,
): Promise<RouterContext> {
  const requestId = requestIdOf(req);
  const { identity } = await authenticate(authorizationOf(req), verifier);
  let requestLog: Logger | undefined;
  return {
    requestId,
    // Made on first use: pino serializes a child's bindings as it is made, and
    // almost no request logs (0.4% of the router's CPU on the gateway benchmark).
    get log() {
      return (requestLog ??= log.child({ requestId }));
    },
    identity,
    clientAddress: clientAddressOf(req),
    deferred: {},
  };
}
