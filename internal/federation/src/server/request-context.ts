import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '@shop/platform';

/** What every subgraph's resolver context starts from. */
export interface BaseContext {
  requestId: string;
  log: Logger;
}

/** Request ids come from the router (x-request-id) so one id follows a request everywhere. */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  const id = Array.isArray(header) ? header[0] : header;
  return id && /^[\w-]{1,128}$/.test(id) ? id : randomUUID();
}

export function baseContext(req: IncomingMessage, log: Logger): BaseContext {
  const requestId = requestIdOf(req);
  return { requestId, log: log.child({ requestId }) };
}
