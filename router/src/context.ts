import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AccessTokenVerifier, Identity } from '@shop/identity';
import type { Logger } from '@shop/platform';
import { authenticate, authorizationOf } from './auth/authenticate';

export interface RouterContext {
  requestId: string;
  log: Logger;
  identity: Identity;
}

/** Keeps a caller's request id when it is well-formed, so a trace can start at the client. */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  const given = Array.isArray(header) ? header[0] : header;
  return given && /^[\w-]{1,128}$/.test(given) ? given : randomUUID();
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
