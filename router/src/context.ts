import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '@shop/platform';

export interface RouterContext {
  requestId: string;
  log: Logger;
}

/** Keeps a caller's request id when it is well-formed, so a trace can start at the client. */
export function createRouterContext(req: IncomingMessage, log: Logger): RouterContext {
  const header = req.headers['x-request-id'];
  const given = Array.isArray(header) ? header[0] : header;
  const requestId = given && /^[\w-]{1,128}$/.test(given) ? given : randomUUID();
  return { requestId, log: log.child({ requestId }) };
}
