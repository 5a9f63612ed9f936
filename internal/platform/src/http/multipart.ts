import type { ServerResponse } from 'node:http';

const BOUNDARY = 'graphql';

/** The multipart/mixed protocols of Apollo Router and Apollo Client. */
export const MULTIPART_SPECS = {
  /** @defer: the initial result, then `{"incremental": […], "hasNext": …}` parts. */
  defer: 'deferSpec=20220824',
  /** Subscriptions over HTTP: `{"payload": …}` parts and `{}` heartbeats. */
  subscription: 'subscriptionSpec="1.0"',
} as const;

export interface MultipartResponse {
  /** Writes one JSON part. */
  part(json: string): void;
  /** Writes the closing boundary, unless the response has ended already. */
  end(): void;
}

/**
 * Starts a multipart/mixed response as Apollo's clients read it: each part
 * `\r\n--graphql\r\ncontent-type: application/json; charset=utf-8\r\n\r\n<json>`,
 * closed by `\r\n--graphql--\r\n`. A client takes a part once the
 * delimiter after it has come, so each part is written with that delimiter
 * (the next part's, or the closing one's start): it is read as it is sent.
 * The one writer of both protocols.
 */
export function openMultipart(
  res: ServerResponse,
  spec: (typeof MULTIPART_SPECS)[keyof typeof MULTIPART_SPECS],
): MultipartResponse {
  res.removeHeader('content-length');
  res.writeHead(res.statusCode || 200, {
    'content-type': `multipart/mixed;boundary="${BOUNDARY}";${spec}`,
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.write(`\r\n--${BOUNDARY}`);
  return {
    part: (json) =>
      void res.write(
        `\r\ncontent-type: application/json; charset=utf-8\r\n\r\n${json}\r\n--${BOUNDARY}`,
      ),
    end: () => {
      if (!res.writableEnded) res.end('--\r\n');
    },
  };
}
