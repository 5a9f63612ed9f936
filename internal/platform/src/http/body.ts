import type { IncomingMessage } from 'node:http';
import { JsonTooDeepError, type JsonNestingGauge } from './json-nesting';

/** The request body exceeded the configured limit. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body is larger than ${limit} bytes`);
  }
}

/**
 * Reads the whole body, refusing to buffer more than `limit` bytes and, given
 * a gauge (a JSON body), JSON nested deeper than the gauge allows: measured
 * as the chunks arrive, so such a body is refused before anything parses it.
 */
export async function readBody(
  req: IncomingMessage,
  limit: number,
  nesting?: JsonNestingGauge,
): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError(limit);
    // Once too deep, the rest (within the size limit) is read, so the refusal
    // goes out on a connection in order, but neither kept nor looked at.
    if (nesting?.exceeded) continue;
    nesting?.feed(chunk);
    chunks.push(chunk);
  }
  if (nesting?.exceeded) throw new JsonTooDeepError(nesting.limit);
  return Buffer.concat(chunks).toString('utf8');
}
