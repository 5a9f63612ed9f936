import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';

export interface SubgraphHttpClient {
  fetch: typeof undiciFetch;
  /** The pools themselves, for callers that use undici's `request` (faster than `fetch`). */
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

/**
 * One keep-alive connection pool per subgraph origin (undici's Agent), shared
 * by every request: the gateway's default fetcher opens far more sockets and
 * is slower per call.
 */
export function createSubgraphHttpClient(options: {
  timeoutMs: number;
  connectionsPerOrigin?: number;
}): SubgraphHttpClient {
  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? 64,
    keepAliveTimeout: 30_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  return {
    fetch: ((input, init) =>
      undiciFetch(input, { ...init, dispatcher: agent })) as typeof undiciFetch,
    dispatcher: agent,
    close: () => agent.close(),
  };
}
