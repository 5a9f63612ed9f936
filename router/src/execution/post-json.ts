import type { Dispatcher } from 'undici';

export interface JsonPost {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Ends the call; undici's own header and body timers are off when it is given. */
  signal?: AbortSignal;
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
    const { signal } = post;
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    let status = 0;
    let contentType: string | undefined;
    let cacheControl: string | undefined;
    const chunks: Buffer[] = [];
    let onAbort: (() => void) | undefined;
    const settled = () => {
      if (onAbort) signal!.removeEventListener('abort', onAbort);
    };
    dispatcher.dispatch(
      {
        origin: post.origin,
        path: post.path,
        method: 'POST',
        headers: post.headers,
        body: post.body,
        ...(signal && { headersTimeout: 0, bodyTimeout: 0 }),
      },
      {
        onRequestStart(controller) {
          if (!signal) return;
          onAbort = () => controller.abort(signal.reason as Error);
          signal.addEventListener('abort', onAbort, { once: true });
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
