import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { BodyTooLargeError, readBody } from './body';
import { EncodedBodies } from './encoded-bodies';
import { JsonNestingGauge, JsonTooDeepError, jsonTextTooDeep } from './json-nesting';
import { MULTIPART_SPECS, openMultipart } from './multipart';
import { sendGraphQLError } from './respond';

export interface ApolloHandlerOptions<Context extends BaseContext> {
  context: (req: IncomingMessage) => Promise<Context>;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /**
   * Sees each parsed request first and answers true when it served it itself
   * (the router serves subscriptions over multipart this way).
   */
  divert?: (req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<boolean>;
  /**
   * The parts that follow Apollo's answer (JSON texts), when the request's
   * context holds any: an operation with @defer, for a client that accepts
   * multipart/mixed. Apollo's answer is then the initial part.
   */
  subsequentParts?: (context: Context) => AsyncIterable<string> | undefined;
}

/**
 * Serves an ApolloServer on a plain node:http request: Apollo does the GraphQL
 * over HTTP work (content negotiation, status codes, CSRF prevention), this
 * turns node's request into Apollo's and streams Apollo's answer back. No web
 * framework sits in between, so the same http.Server also carries /health,
 * /metrics and the graphql-ws upgrade.
 */
export function apolloHandler<Context extends BaseContext>(
  server: ApolloServer<Context>,
  options: ApolloHandlerOptions<Context>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const bodies = new EncodedBodies();
  return async (req, res) => {
    let body: unknown;
    try {
      body = await parseBody(req, options.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendGraphQLError(res, 413, error.message, 'PAYLOAD_TOO_LARGE');
      } else if (error instanceof JsonTooDeepError) {
        sendGraphQLError(res, 400, error.message, 'BAD_REQUEST');
      } else {
        sendGraphQLError(res, 400, 'Malformed JSON in the request body', 'BAD_REQUEST');
      }
      return;
    }
    if (Array.isArray(body)) {
      // Apollo's own answer to a batch is a bare BAD_REQUEST; say what to do instead.
      sendGraphQLError(
        res,
        400,
        'Batched operations are not accepted: send one operation per request',
        'BATCHING_NOT_SUPPORTED',
      );
      return;
    }
    if (options.divert && (await options.divert(req, res, body))) return;

    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');

    let context: Context | undefined;
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: (req.method ?? 'GET').toUpperCase(),
        headers,
        search: queryStart === -1 ? '' : url.slice(queryStart),
        body,
      },
      context: async () => (context = await options.context(req)),
    });

    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status ?? 200;
    const parts = context && options.subsequentParts?.(context);
    if (parts && response.body.kind === 'complete') {
      await sendInParts(res, response.body.string, parts);
      return;
    }
    if (response.body.kind === 'complete') {
      res.end(bodies.bytesOf(response.body.string));
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

/** Apollo's answer as the initial part, then each part as it comes, then the closing boundary. */
async function sendInParts(
  res: ServerResponse,
  initial: string,
  parts: AsyncIterable<string>,
): Promise<void> {
  const multipart = openMultipart(res, MULTIPART_SPECS.defer);
  const iterator = parts[Symbol.asyncIterator]();
  // The client went away: nothing more is wanted of the parts.
  res.once('close', () => void iterator.return?.());
  try {
    multipart.part(JSON.stringify({ ...(JSON.parse(initial) as object), hasNext: true }));
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      multipart.part(next.value);
    }
  } finally {
    multipart.end();
  }
}

async function parseBody(req: IncomingMessage, limit: number): Promise<unknown> {
  if (req.method === 'GET') {
    refuseDeepQueryString(req.url ?? '');
    return undefined;
  }
  if (req.method !== 'POST') return undefined;
  const json = (req.headers['content-type'] ?? '').includes('json');
  const raw = await readBody(req, limit, json ? new JsonNestingGauge() : undefined);
  if (json) return raw.length === 0 ? undefined : (JSON.parse(raw) as unknown);
  // Apollo answers other content types itself (415, or CSRF prevention).
  return raw;
}

/** A GET's variables and extensions are JSON in its query string, which Apollo parses itself. */
function refuseDeepQueryString(url: string): void {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return;
  const params = new URLSearchParams(url.slice(queryStart));
  for (const name of ['variables', 'extensions']) {
    if (jsonTextTooDeep(params.get(name) ?? '')) throw new JsonTooDeepError();
  }
}
