import type { IncomingMessage } from 'node:http';
import type { AccessTokenVerifier, Identity } from '@shop/identity';
import { requestIdOf, type Logger } from '@shop/platform';
import { authenticate, authorizationOf } from './auth/authenticate';

export interface RouterContext {
  requestId: string;
  log: Logger;
  identity: Identity;
}

export async function createRouterContext(
  req: IncomingMessage,
  log: Logger,
  verifier: AccessTokenVerifier,
): Promise<RouterContext> {
  const requestId = requestIdOf(req);
  const { identity } = await authenticate(authorizationOf(req), verifier);
  return { requestId, log: log.child({ requestId }), identity };
}
