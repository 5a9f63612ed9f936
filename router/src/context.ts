import type { IncomingMessage } from 'node:http';
import type { AccessTokenVerifier, Identity } from '@shop/identity';
import { requestIdOf, type Logger } from '@shop/platform';
import { authenticate, authorizationOf } from './auth/authenticate';
import { clientAddressOf } from './client-address';

export interface RouterContext {
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
  return {
    requestId,
    log: log.child({ requestId }),
    identity,
    clientAddress: clientAddressOf(req),
  };
}
