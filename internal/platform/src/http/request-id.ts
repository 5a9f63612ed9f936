import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The header (and graphql-ws connection_init field) that carries a request's
 * id from the client through the router to every subgraph.
 */
export const REQUEST_ID_HEADER = 'x-request-id';

/** The given id when it is a plausible one, a new one otherwise. */
export function validRequestId(id: unknown): string {
  return typeof id === 'string' && /^[\w-]{1,128}$/.test(id) ? id : randomUUID();
}

/**
 * The request's x-request-id when well-formed, so one id follows a request
 * from the client through the router to every subgraph; a new one otherwise.
 */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers[REQUEST_ID_HEADER];
  return validRequestId(Array.isArray(header) ? header[0] : header);
}
