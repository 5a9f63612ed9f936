import type { Dispatcher } from 'undici';
import { AttemptTimeoutError } from '../resilience/resilience-errors';

export interface JsonPost {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /**
   * Past it the call is aborted and fails with AttemptTimeoutError; undici's
   * own header and body timers are off when it is given.
   */
  timeoutMs?: number;
}

export interface PostAnswer {
  status: number;
  contentType: string | undefined;
  cacheControl: string | undefined;
  text: string;
}

/**
 * POSTs a body and collects the whole answer as text, through undici's
 * dispatch: its `request` wraps each answer in a Readable stream (with its
 * handler objects and an async iterator) only for `.text()` to drain it
 * again, six times per request on the gateway benchmark's query, and those
 * objects are allocation the collector pays for under load.
 */
export function postJson(dispatcher: Dispatcher, post: JsonPost): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    const { timeoutMs } = post;
    let status = 0;
    let contentType: string | undefined;
    let cacheControl: string | undefined;
    const chunks: Buffer[] = [];
    let controller: Dispatcher.DispatchController | undefined;
    let expired: AttemptTimeoutError | undefined;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            expired = new AttemptTimeoutError(timeoutMs);
            // Not started yet (waiting for a connection): it is aborted as it starts.
            if (controller) controller.abort(expired);
            else reject(expired);
          }, timeoutMs);
    const settled = () => clearTimeout(timer);
    dispatcher.dispatch(
      {
        origin: post.origin,
        path: post.path,
        method: 'POST',
        headers: post.headers,
        body: post.body,
        ...(timeoutMs !== undefined && { headersTimeout: 0, bodyTimeout: 0 }),
      },
      {
        onRequestStart(started) {
          controller = started;
          if (expired) started.abort(expired);
        },
        onResponseStart(_controller, statusCode, headers) {
          status = statusCode;
          contentType = headerValue(headers['content-type']);
          cacheControl = headerValue(headers['cache-control']);
        },
        onResponseData(_controller, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          settled();
          const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
          resolve({ status, contentType, cacheControl, text });
        },
        onResponseError(_controller, error) {
          settled();
          reject(error);
        },
      },
    );
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
